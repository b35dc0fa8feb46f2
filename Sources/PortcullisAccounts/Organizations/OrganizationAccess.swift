import Foundation
import PortcullisStore

/// Whether a user may get tokens in an organization's context (`organization` on /authorize or on
/// a refresh): the organization must exist, the user's connection must be enabled for it, and the
/// user must be a member — or become one at login when the connection assigns membership.
public enum OrganizationAccess {
    public enum Decision: Sendable, Equatable {
        case allowed(Organization)
        case unknownOrganization
        case connectionNotEnabled(Organization, connection: String)
        case notAMember(Organization)
    }

    /// - Parameters:
    ///   - wanted: the organization's id or name, as the client sent it.
    ///   - joinAtLogin: a login (not a refresh) may add the member through `assign_membership_on_login`.
    public static func decide(_ wanted: String, for user: User, storage: any OrganizationStore, joinAtLogin: Bool,
                              request: EventRequestContext? = nil, now: Date = Date()) async throws -> Decision {
        let tenantID = user.tenantID
        guard let organization = try await storage.organization(tenantID: tenantID, idOrName: wanted) else {
            return .unknownOrganization
        }
        let enabled = try await storage.enabledConnections(tenantID: tenantID, organizationID: organization.id)
        guard let connection = enabled.first(where: { $0.connection == user.connection }) else {
            return .connectionNotEnabled(organization, connection: user.connection)
        }
        if try await storage.isMember(tenantID: tenantID, organizationID: organization.id, userID: user.id) {
            return .allowed(organization)
        }
        guard joinAtLogin, connection.assignMembershipOnLogin else { return .notAMember(organization) }
        let event = OrganizationService.memberEvent(.memberAdded, user: user, organization: organization, actor: .user(user.id),
                                                    request: request, via: "assign_membership_on_login", now: now)
        try await storage.addMember(tenantID: tenantID, organizationID: organization.id, userID: user.id, at: now,
                                    events: [event])
        return .allowed(organization)
    }
}
