import Foundation
import PortcullisConfig
import PortcullisCore

/// A checked RP-Initiated Logout request (OpenID Connect RP-Initiated Logout 1.0 §2–§3).
public struct EndSessionRequest: Sendable {
    /// Where to send the browser afterwards: registered for the client, exactly.
    public var postLogoutRedirectURI: String?
    public var state: String?
    public var client: Client?
    /// The hint's subject, when a valid `id_token_hint` came with the request.
    public var hintSubject: String?
    public var hintSessionID: String?
    public var uiLocales: String?

    public static func parse(_ parameters: OAuthParameters, tenant: Tenant) -> Result<EndSessionRequest, OAuthError> {
        var request = EndSessionRequest(state: parameters["state"], uiLocales: parameters["ui_locales"])
        if let hint = parameters["id_token_hint"] {
            guard let claims = IDTokenHint.claims(of: hint, tenant: tenant) else {
                return .failure(.invalidRequest("id_token_hint is not an ID token issued by this tenant"))
            }
            request.hintSubject = claims.subject
            request.hintSessionID = claims.sessionID
            request.client = claims.audiences.lazy.compactMap { tenant.clients[$0] }.first
        }
        if let clientID = parameters["client_id"] {
            guard let client = tenant.clients[clientID] else { return .failure(.invalidRequest("unknown client_id")) }
            if let fromHint = request.client, fromHint.id != client.id {
                return .failure(.invalidRequest("client_id does not match the id_token_hint's audience"))
            }
            request.client = client
        }
        if let uri = parameters["post_logout_redirect_uri"] {
            guard let client = request.client else {
                return .failure(.invalidRequest("post_logout_redirect_uri needs id_token_hint or client_id"))
            }
            guard client.config.postLogoutRedirectURIs.contains(where: { $0.value.text == uri }) else {
                return .failure(.invalidRequest("post_logout_redirect_uri is not registered for the client"))
            }
            request.postLogoutRedirectURI = uri
        }
        return .success(request)
    }

    /// The post-logout redirect with `state` appended.
    public var redirectURL: String? {
        guard let uri = postLogoutRedirectURI else { return nil }
        guard let state, var components = URLComponents(string: uri) else { return uri }
        components.queryItems = (components.queryItems ?? []) + [URLQueryItem(name: "state", value: state)]
        return components.string ?? uri
    }
}
