import Foundation
import PortcullisStore

/// The URLs of an invitation, with Auth0's parameter names (`invitation`, `organization`,
/// `organization_name`): the link the invitee opens, on the tenant's hosted pages, and — once
/// accepted — the client's `initiate_login_uri`, where the application starts a login in the
/// organization.
public enum InvitationLink {
    /// `{issuer}/u/invitation?invitation=…&organization=org_…&organization_name=…`.
    public static func url(issuer: String, ticket: String, organization: Organization) -> String {
        adding(ticket: ticket, organization: organization, to: issuer + "/u/invitation")
    }

    /// `base` with the invitation's parameters added to whatever query it has.
    public static func adding(ticket: String, organization: Organization, to base: String) -> String {
        guard var components = URLComponents(string: base) else { return base }
        var items = components.queryItems ?? []
        items += [URLQueryItem(name: "invitation", value: ticket), URLQueryItem(name: "organization", value: organization.id),
                  URLQueryItem(name: "organization_name", value: organization.name)]
        components.queryItems = items
        // URLComponents leaves `+` alone, which form decoders read as a space.
        components.percentEncodedQuery = components.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
        return components.string ?? base
    }
}
