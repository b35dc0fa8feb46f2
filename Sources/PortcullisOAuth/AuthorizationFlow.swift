import Foundation
import PortcullisAccounts
import PortcullisConfig
import PortcullisCore
import PortcullisCrypto
import PortcullisStore

/// What the authorization endpoint does next.
public enum AuthorizationOutcome: Sendable {
    /// Show the login form; after it the browser comes back to the authorization request.
    /// `reauthenticate` means an existing session is not enough (`prompt=login`, `max_age`,
    /// an `id_token_hint` for another user).
    case login(reauthenticate: Bool)
    /// Ask the user to approve the client's access (third-party clients, `prompt=consent`).
    case consent(scopes: [String])
    /// A `post_login` hook asked for a form: show it; its submission continues the login.
    case form(HookFormPause)
    /// Send the browser back to the client with these parameters.
    case respond(AuthorizationResponse)
}

/// The answer at the client's redirect URI.
public struct AuthorizationResponse: Sendable {
    public var redirectURI: String
    public var mode: AuthorizationRequest.ResponseMode
    public var parameters: [(String, String)]

    public init(redirectURI: String, mode: AuthorizationRequest.ResponseMode, parameters: [(String, String)]) {
        self.redirectURI = redirectURI
        self.mode = mode
        self.parameters = parameters
    }

    /// An error response (RFC 6749 §4.1.2.1) with `state` and the issuer (RFC 9207).
    public static func error(_ error: OAuthError, redirectURI: String, state: String?,
                             mode: AuthorizationRequest.ResponseMode, issuer: String) -> AuthorizationResponse {
        var parameters = [("error", error.code.rawValue), ("error_description", error.description)]
        if let state { parameters.append(("state", state)) }
        parameters.append(("iss", issuer))
        return AuthorizationResponse(redirectURI: redirectURI, mode: mode, parameters: parameters)
    }
}

/// The authorization endpoint's decisions, given the request and the browser's session.
public struct AuthorizationFlow: Sendable {
    /// RFC 6749 §4.1.2 recommends at most ten minutes; codes are exchanged within seconds.
    public static let codeLifetime: TimeInterval = 300

    public let tenant: Tenant
    public let storage: any OAuthStorage
    public let now: Date
    public let hooks: any TokenHooks
    /// The request, as the hooks and events see it.
    public let request: EventRequestContext?

    public init(tenant: Tenant, storage: any OAuthStorage, now: Date, hooks: any TokenHooks = NoTokenHooks(),
                request: EventRequestContext? = nil) {
        self.tenant = tenant
        self.storage = storage
        self.now = now
        self.hooks = hooks
        self.request = request
    }

    /// Decides, and when everything is satisfied issues the code. `resume` continues a login that
    /// waited for a hook's form (the caller checked that the form belongs to this request and session).
    public func decide(_ request: AuthorizationRequest, session: Session?, user: User?, consentGiven: Bool,
                       resume: HookFormResume? = nil) async throws -> AuthorizationOutcome
    {
        let interactive = !request.prompt.contains("none")
        func fail(_ code: OAuthError.Code, _ text: String) -> AuthorizationOutcome {
            .respond(.error(OAuthError(code, text), redirectURI: request.redirectURI, state: request.state,
                            mode: request.responseMode, issuer: tenant.issuer.text))
        }
        guard let session, let user, !user.blocked else {
            return interactive ? .login(reauthenticate: false) : fail(.loginRequired, "the user is not logged in")
        }
        let authTime = Int(session.authTime.timeIntervalSince1970)
        let recentEnough = request.authenticatedAfter.map { authTime >= $0 } ?? false
        if request.prompt.contains("login"), !recentEnough { return .login(reauthenticate: true) }
        if let maxAge = request.maxAge, Int(now.timeIntervalSince1970) - authTime > maxAge, !recentEnough {
            return interactive ? .login(reauthenticate: true) : fail(.loginRequired, "the login is older than max_age")
        }
        if let hint = request.idTokenHint {
            guard let subject = IDTokenHint.subject(of: hint, tenant: tenant) else {
                return fail(.invalidRequest, "id_token_hint is not an ID token issued by this tenant")
            }
            if subject != user.externalID {
                return interactive ? .login(reauthenticate: true) : fail(.loginRequired, "the logged-in user is not the id_token_hint's subject")
            }
        }
        var organizationID: String?
        if let wanted = request.organization {
            switch try await OrganizationAccess.decide(wanted, for: user, storage: storage, joinAtLogin: true, now: now) {
            case .allowed(let organization):
                organizationID = organization.id
            case .unknownOrganization:
                return fail(.invalidRequest, "unknown organization \(wanted)")
            case .connectionNotEnabled(let organization, let connection):
                return fail(.accessDenied, "connection \(connection) is not enabled for organization \(organization.name)")
            case .notAMember(let organization):
                return fail(.accessDenied, "the user is not a member of organization \(organization.name)")
            }
        }
        // What the user holds matters only to an API that enforces policies; skip the reads otherwise.
        var held: Set<String> = []
        if let audience = request.audience, audience.enforcePolicies {
            held = Set(try await HeldPermissions.load(userID: user.id, organizationID: organizationID, on: audience,
                                                      tenant: tenant, storage: storage))
        }
        let scopes = ScopePolicy(tenant: tenant.config).userScopes(
            requested: request.scopes, client: request.client.config, resourceServer: request.audience, held: held)
        let needsConsent = !request.client.config.firstParty || request.prompt.contains("consent")
        if needsConsent, !consentGiven {
            return interactive ? .consent(scopes: scopes) : fail(.consentRequired, "the user has not approved this client")
        }

        // The login is complete: post_login hooks may deny it or add claims, before any code exists.
        let claims: HookClaims
        do {
            var hookRequest = TokenHookRequest(
                tenant: tenant, user: user, clientID: request.client.id, scopes: scopes,
                audience: request.audience?.identifier.value, organizationID: organizationID, grantType: "authorization_code",
                request: self.request)
            hookRequest.interactive = true
            hookRequest.resume = resume
            claims = try await hooks.postLogin(hookRequest)
        } catch {
            return fail(error.code, error.description)
        }
        if let form = claims.form {
            return interactive ? .form(form) : fail(.interactionRequired, "a hook asks the user to fill in a form")
        }
        let plain = RandomToken.make()
        let code = AuthorizationCode(
            digest: SecretDigest(of: plain).hex, tenantID: tenant.id, clientID: request.client.id, userID: user.id,
            redirectURI: request.requestedRedirectURI, scopes: scopes, audience: request.audience?.identifier.value,
            organizationID: organizationID, nonce: request.nonce, codeChallenge: request.codeChallenge,
            codeChallengeMethod: request.codeChallengeMethod, sessionDigest: session.digest, authTime: session.authTime,
            amr: session.amr, createdAt: now, expiresAt: now.addingTimeInterval(Self.codeLifetime),
            hookClaimsJSON: claims.isEmpty ? nil : claims.json)
        try await storage.createAuthorizationCode(code)
        var parameters = [("code", plain)]
        if let state = request.state { parameters.append(("state", state)) }
        parameters.append(("iss", tenant.issuer.text))
        return .respond(AuthorizationResponse(redirectURI: request.redirectURI, mode: request.responseMode,
                                              parameters: parameters))
    }
}
