import Foundation
import PortcullisCore
import PortcullisStore

/// What a caller sets on an organization. `nil` leaves a field as it is; for `displayName` and
/// `branding`, `.some(nil)` clears it. `metadata` is merged: a `nil` value removes its key.
public struct OrganizationFields: Sendable, Equatable {
    public var name: String?
    public var displayName: String??
    public var metadata: [String: String?]?
    public var branding: OrganizationBranding??

    public init(name: String? = nil, displayName: String?? = nil, metadata: [String: String?]? = nil,
                branding: OrganizationBranding?? = nil) {
        self.name = name
        self.displayName = displayName
        self.metadata = metadata
        self.branding = branding
    }

    // Auth0's limits, so that data moves between the two without surprises.
    public static let maximumDisplayNameLength = 255
    public static let maximumMetadataKeys = 25
    public static let maximumMetadataLength = 255
    public static let maximumLogoURLLength = 2048

    /// `organization` with these fields applied and checked.
    /// - Throws: ``OrganizationFailure/invalid(_:)`` naming the field.
    func applied(to organization: Organization) throws(OrganizationFailure) -> Organization {
        var changed = organization
        if let name { changed.name = name }
        guard Organization.isValidName(changed.name) else {
            throw .invalid("name must be 1 to 50 lowercase letters, digits, '-' or '_'")
        }
        if let displayName { changed.displayName = displayName }
        if let display = changed.displayName {
            guard (1...Self.maximumDisplayNameLength).contains(display.count),
                  !display.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                throw .invalid("display_name must be 1 to \(Self.maximumDisplayNameLength) characters without control characters")
            }
        }
        if let metadata { changed.metadataJSON = try Self.merged(metadata, into: organization.metadataJSON) }
        if let branding { changed.branding = try Self.checked(branding ?? OrganizationBranding()) }
        return changed
    }

    static func merged(_ changes: [String: String?], into json: String) throws(OrganizationFailure) -> String {
        var patch: [String: JSONValue] = [:]
        for (key, value) in changes {
            guard (1...Self.maximumMetadataLength).contains(key.count) else {
                throw .invalid("metadata keys must be 1 to \(Self.maximumMetadataLength) characters")
            }
            if let value, value.count > Self.maximumMetadataLength {
                throw .invalid("metadata.\(key) must be at most \(Self.maximumMetadataLength) characters")
            }
            patch[key] = value.map(JSONValue.string) ?? .null
        }
        // The same top-level merge as users' metadata: a key named replaces, null removes.
        guard let merged = try? AccountService.merge(patch, into: json),
              let keys = try? JSONDecoder().decode([String: JSONValue].self, from: Data(merged.utf8)).count else {
            throw .invalid("metadata could not be stored")
        }
        guard keys <= Self.maximumMetadataKeys else {
            throw .invalid("metadata may have at most \(Self.maximumMetadataKeys) properties")
        }
        return merged
    }

    static func checked(_ branding: OrganizationBranding) throws(OrganizationFailure) -> OrganizationBranding {
        var checked = branding
        if let logo = branding.logoURL {
            // The logo is shown on login pages: only https, as Auth0 requires, so a page served
            // over https never loads mixed content.
            guard logo.count <= Self.maximumLogoURLLength, let url = AbsoluteURL(logo), url.scheme == "https",
                  !url.hasUserInfo else {
                throw .invalid("branding.logo_url must be an https URL of at most \(Self.maximumLogoURLLength) characters")
            }
        }
        for (field, value) in [("primary", branding.primaryColor), ("page_background", branding.pageBackground)] {
            guard let value else { continue }
            guard let color = HexColor(value) else { throw .invalid("branding.colors.\(field) must be a colour like \"#1f4fd1\"") }
            if field == "primary" { checked.primaryColor = color.value } else { checked.pageBackground = color.value }
        }
        return checked
    }
}

/// The options of an enabled connection; `nil` leaves one as it is (or at its default when enabling).
public struct OrganizationConnectionOptions: Sendable, Equatable {
    public var assignMembershipOnLogin: Bool?
    public var showAsButton: Bool?
    public var isSignupEnabled: Bool?

    public init(assignMembershipOnLogin: Bool? = nil, showAsButton: Bool? = nil, isSignupEnabled: Bool? = nil) {
        self.assignMembershipOnLogin = assignMembershipOnLogin
        self.showAsButton = showAsButton
        self.isSignupEnabled = isSignupEnabled
    }

    func applied(to connection: OrganizationConnection) throws(OrganizationFailure) -> OrganizationConnection {
        var changed = connection
        if let assignMembershipOnLogin { changed.assignMembershipOnLogin = assignMembershipOnLogin }
        if let showAsButton { changed.showAsButton = showAsButton }
        if let isSignupEnabled { changed.isSignupEnabled = isSignupEnabled }
        // Someone who signs up in the organization's context must end up in it.
        if changed.isSignupEnabled, !changed.assignMembershipOnLogin {
            throw .invalid("is_signup_enabled requires assign_membership_on_login")
        }
        return changed
    }
}
