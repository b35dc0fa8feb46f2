import Foundation

/// A role created at runtime (through the management API), besides the roles the configuration
/// defines. Both kinds are assigned by name (``RoleAssignment/role``), so an assignment does not
/// care where its role comes from; the names of the two kinds never overlap (the service layer
/// refuses a runtime role with a configured role's name).
public struct RuntimeRole: Sendable, Hashable {
    /// `rol_` followed by 24 random URL-safe characters; unique per tenant.
    public var id: String
    public var tenantID: String
    /// Unique per tenant, compared exactly (as configured role names are).
    public var name: String
    public var description: String
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: String = RuntimeRole.makeID(), tenantID: String, name: String, description: String = "",
                createdAt: Date, updatedAt: Date? = nil) {
        self.id = id
        self.tenantID = tenantID
        self.name = name
        self.description = description
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
    }

    public static func makeID() -> String { RandomID.make(prefix: "rol_") }

    /// Auth0's bounds: a name of 1–50 characters without control characters or surrounding
    /// spaces (it appears in tokens, logs and the CLI), a description of at most 140.
    public static func isValidName(_ name: String) -> Bool {
        (1...50).contains(name.count) && name.trimmingCharacters(in: .whitespaces) == name
            && !name.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }

    public static let maximumDescriptionLength = 140
}

/// A permission (one scope value of one resource server) that a runtime role gives.
public struct RolePermission: Sendable, Hashable {
    public var resourceServer: String
    public var permission: String

    public init(resourceServer: String, permission: String) {
        self.resourceServer = resourceServer
        self.permission = permission
    }
}
