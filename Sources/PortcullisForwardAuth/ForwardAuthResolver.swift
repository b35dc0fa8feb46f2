import Foundation
import PortcullisCore

/// The resolver's protocol logic, free of HTTP: which rule applies to the original request, who is
/// asking (only looked up when the rule needs it), and the decision.
public struct ForwardAuthResolver: Sendable {
    public struct Input: Sendable {
        public var request: OriginalRequest
        /// The client's address behind trusted proxies, as bytes; `nil` when unknown.
        public var client: [UInt8]?
        public var sessionToken: Substring?
        public var bearerToken: Substring?

        public init(request: OriginalRequest, client: [UInt8]? = nil, sessionToken: Substring? = nil,
                    bearerToken: Substring? = nil) {
            self.request = request
            self.client = client
            self.sessionToken = sessionToken
            self.bearerToken = bearerToken
        }
    }

    public struct Outcome: Sendable {
        /// The rule that decided; `nil` when the default policy did.
        public let rule: AccessRule?
        public let decision: ResolverDecision
    }

    public let sessions: SessionIdentitySource

    public init(sessions: SessionIdentitySource) {
        self.sessions = sessions
    }

    public func resolve(_ input: Input, tenant: ForwardAuthTenant, now: Date = Date()) async throws -> Outcome {
        let rule = tenant.policy.rule(for: input.request, client: input.client)
        let needsIdentity = rule?.needsIdentity ?? (tenant.policy.defaultPolicy != .bypass
            && tenant.policy.defaultPolicy != .deny)
        var identity: ForwardAuthIdentity?
        if needsIdentity {
            identity = try await self.identity(input, tenant: tenant, now: now)
        }
        let decision = AccessDecision.decide(rule: rule, defaultPolicy: AccessRule.Policy(tenant.policy.defaultPolicy),
                                             identity: identity)
        return Outcome(rule: rule, decision: decision)
    }

    /// A Bearer token, when present, is the identity (an API client sent it on purpose); otherwise
    /// the session cookie.
    private func identity(_ input: Input, tenant: ForwardAuthTenant, now: Date) async throws -> ForwardAuthIdentity? {
        if let bearer = input.bearerToken {
            guard let verifier = tenant.bearer else { return nil }
            return try await verifier.identity(token: bearer, now: now)
        }
        guard let token = input.sessionToken else { return nil }
        return try await sessions.identity(token: token, tenantID: tenant.tenantID, idleTimeout: tenant.idleTimeout,
                                           now: now)
    }
}
