import PortcullisStore

/// A user's roles tenant-wide and in each organization they belong to, read once (two queries)
/// when an identity enters the cache, so rules that name an organization need no query per request.
struct SubjectRoles: Sendable {
    let organizations: [Organization]
    private let assignments: [RoleAssignment]

    static func load(from storage: any ForwardAuthStorage, tenantID: String, userID: String) async throws
        -> SubjectRoles
    {
        SubjectRoles(organizations: try await storage.organizations(tenantID: tenantID, userID: userID),
                     assignments: try await storage.roleAssignments(tenantID: tenantID, userID: userID))
    }

    /// Tenant-wide roles plus those assigned in `organizationID` (none when `nil`): sorted, unique.
    func effective(in organizationID: String?) -> [String] {
        assignments.effectiveRoles(in: organizationID)
    }
}
