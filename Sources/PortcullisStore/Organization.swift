import Foundation

/// An organization inside a tenant (Auth0 Organizations): a customer company whose members log in
/// to it, get roles within it, and carry its ID (`org_id`) in their tokens.
public struct Organization: Sendable, Hashable {
    /// `org_` followed by 24 random URL-safe characters; unique per tenant.
    public var id: String
    public var tenantID: String
    /// A short machine name, unique per tenant, compared case-insensitively: lowercase letters,
    /// digits, `-` and `_`, 1–50 characters (Auth0's rule), so it can appear in URLs and CLIs.
    public var name: String
    public var displayName: String?
    /// Text of a JSON object with the operator's own data about the organization.
    public var metadataJSON: String
    /// What the hosted pages show when a login runs in this organization's context.
    public var branding: OrganizationBranding
    public var createdAt: Date

    public init(
        id: String = Organization.makeID(), tenantID: String, name: String, displayName: String? = nil,
        metadataJSON: String = "{}", branding: OrganizationBranding = OrganizationBranding(), createdAt: Date
    ) {
        self.id = id
        self.tenantID = tenantID
        self.name = name
        self.displayName = displayName
        self.metadataJSON = metadataJSON
        self.branding = branding
        self.createdAt = createdAt
    }

    public static func makeID() -> String { RandomID.make(prefix: "org_") }

    /// Whether `name` is a valid organization name (see ``name``).
    public static func isValidName(_ name: String) -> Bool {
        (1...50).contains(name.count) && name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_"
        }
    }
}

/// An organization's own logo and colors, each replacing the tenant's when set. The service layer
/// validates them (an https logo URL, `#rrggbb` colors); the store keeps what it is given.
public struct OrganizationBranding: Sendable, Hashable {
    public var logoURL: String?
    public var primaryColor: String?
    public var pageBackground: String?

    public init(logoURL: String? = nil, primaryColor: String? = nil, pageBackground: String? = nil) {
        self.logoURL = logoURL
        self.primaryColor = primaryColor
        self.pageBackground = pageBackground
    }

    public var isEmpty: Bool { logoURL == nil && primaryColor == nil && pageBackground == nil }
}

/// A user's membership of an organization.
public struct OrganizationMembership: Sendable, Hashable {
    public var tenantID: String
    public var organizationID: String
    public var userID: String
    public var createdAt: Date

    public init(tenantID: String, organizationID: String, userID: String, createdAt: Date) {
        self.tenantID = tenantID
        self.organizationID = organizationID
        self.userID = userID
        self.createdAt = createdAt
    }
}
