import Foundation
import PortcullisCore
import PortcullisForwardAuth
import Testing

@Suite("Access decisions")
struct DecisionTests {
    static let alice = ForwardAuthIdentity(userID: "database|usr_alice", email: "alice@example.com", roles: ["viewer"],
                                           amr: ["pwd"])

    static func alice(roles: [String] = ["viewer"], organization: String? = nil, amr: [String] = ["pwd"])
        -> ForwardAuthIdentity
    {
        ForwardAuthIdentity(userID: "database|usr_alice", email: "alice@example.com", roles: roles,
                            organizationID: organization, amr: amr)
    }

    func decide(_ rule: AccessRule?, _ identity: ForwardAuthIdentity?, default policy: AccessRule.Policy = .deny)
        -> ResolverDecision
    {
        AccessDecision.decide(rule: rule, defaultPolicy: policy, identity: identity)
    }

    @Test func bypassAndDenyIgnoreTheIdentity() {
        #expect(decide(AccessRule(name: "b", policy: .bypass), nil) == .bypass)
        #expect(decide(AccessRule(name: "b", policy: .bypass), Self.alice) == .bypass)
        #expect(decide(AccessRule(name: "d", policy: .deny), nil) == .forbidden)
        #expect(decide(AccessRule(name: "d", policy: .deny), Self.alice) == .forbidden)
    }

    @Test func authenticated() {
        let rule = AccessRule(name: "a", policy: .authenticated)
        #expect(decide(rule, nil) == .unauthenticated)
        #expect(decide(rule, Self.alice) == .allow(Self.alice))
    }

    @Test func twoFactorNeedsASecondFactorInAMR() {
        let rule = AccessRule(name: "2fa", policy: .twoFactor)
        #expect(decide(rule, nil) == .unauthenticated)
        #expect(decide(rule, Self.alice) == .forbidden)
        let strong = Self.alice(amr: ["pwd", "otp"])
        #expect(decide(rule, strong) == .allow(strong))
    }

    @Test func rolesAnyOfAndAllOf() {
        let anyOf = AccessRule(name: "r", policy: .roles, anyOfRoles: ["admin", "viewer"])
        let allOf = AccessRule(name: "r", policy: .roles, allOfRoles: ["admin", "viewer"])
        let both = AccessRule(name: "r", policy: .roles, anyOfRoles: ["viewer"], allOfRoles: ["auditor"])
        #expect(decide(anyOf, nil) == .unauthenticated)
        #expect(decide(anyOf, Self.alice) == .allow(Self.alice))
        #expect(decide(allOf, Self.alice) == .forbidden)
        let admin = Self.alice(roles: ["admin", "viewer"])
        #expect(decide(allOf, admin) == .allow(admin))
        #expect(decide(both, admin) == .forbidden)
        let auditor = Self.alice(roles: ["admin", "viewer", "auditor"])
        #expect(decide(both, auditor) == .allow(auditor))
    }

    @Test func organizationMustMatch() {
        let rule = AccessRule(name: "o", policy: .authenticated, organization: "org_acme")
        #expect(decide(rule, Self.alice) == .forbidden, "a session user who belongs to no organization")
        let token = Self.alice(organization: "org_acme")
        #expect(decide(rule, token) == .allow(token), "a token acting in the organization")
        #expect(decide(rule, Self.alice(organization: "org_other")) == .forbidden)
        #expect(decide(rule, nil) == .unauthenticated)
        #expect(decide(AccessRule(name: "b", policy: .bypass, organization: "org_acme"), Self.alice) == .bypass)
    }

    @Test func sessionUsersPassOrganizationRulesOfTheirOrganizations() {
        let acting = ForwardAuthIdentity(userID: "database|usr_alice", roles: ["lead", "viewer"], organizationID: "org_acme",
                                         organizationName: "acme-corp", amr: ["pwd"])
        let session = ForwardAuthIdentity(userID: "database|usr_alice", roles: ["viewer"],
                                          memberships: ["org_acme": acting, "acme-corp": acting], amr: ["pwd"])
        let byID = AccessRule(name: "o", policy: .authenticated, organization: "org_acme")
        let byName = AccessRule(name: "o", policy: .authenticated, organization: "acme-corp")
        #expect(decide(byID, session) == .allow(acting), "answered as the user acting in the organization")
        #expect(decide(byName, session) == .allow(acting))
        #expect(decide(AccessRule(name: "o", policy: .authenticated, organization: "other"), session) == .forbidden)
        let leads = AccessRule(name: "l", policy: .roles, anyOfRoles: ["lead"], organization: "acme-corp")
        #expect(decide(leads, session) == .allow(acting), "roles held in the organization count there")
        #expect(decide(AccessRule(name: "l", policy: .roles, anyOfRoles: ["lead"]), session) == .forbidden,
                "and only there")
        #expect(decide(byName, acting) == .allow(acting), "a token's organization matches by name too")
    }

    @Test func informationalModeAlwaysAnswers() {
        let rule = AccessRule(name: "i", policy: .roles, anyOfRoles: ["admin"], mode: .informational)
        #expect(decide(rule, nil) == .informational(nil))
        #expect(decide(rule, Self.alice) == .informational(Self.alice))
    }

    @Test func defaultPolicyWhenNoRuleMatches() {
        #expect(decide(nil, Self.alice, default: .deny) == .forbidden)
        #expect(decide(nil, nil, default: .authenticated) == .unauthenticated)
        #expect(decide(nil, Self.alice, default: .authenticated) == .allow(Self.alice))
        #expect(decide(nil, nil, default: .bypass) == .bypass)
    }

    @Test func exampleConfigRules() async throws {
        let policy = TenantAccessPolicy(try await RuleFixture.acme())
        func rule(_ url: String) throws -> String? { policy.rule(for: try RuleFixture.request(url), client: nil)?.name }
        #expect(try rule("http://app.acme.test/public/about") == "public-pages")
        #expect(try rule("http://app.acme.test/public/../admin/users") == "admin-area")
        #expect(try rule("http://APP.acme.test:8000/admin/") == "admin-area")
        #expect(try rule("http://app.acme.test/") == "everything-else")
        #expect(try rule("http://other.acme.test/") == nil)
        #expect(policy.defaultPolicy == .deny)
    }

    @Test func identityHeaders() {
        let identity = ForwardAuthIdentity(
            userID: Self.alice.userID, email: Self.alice.email, name: "Alice\r\nX-Injected: 1", roles: Self.alice.roles,
            amr: Self.alice.amr, authenticatedAt: Date(timeIntervalSince1970: 1_700_000_000))
        let fields = Dictionary(uniqueKeysWithValues: identity.headerValues
            .map { ("X-Auth-" + $0.header.suffix, $0.value) })
        #expect(fields["X-Auth-User-Id"] == "database|usr_alice")
        #expect(fields["X-Auth-Email"] == "alice@example.com")
        #expect(fields["X-Auth-Email-Verified"] == "false")
        #expect(fields["X-Auth-Name"] == "AliceX-Injected: 1")
        #expect(fields["X-Auth-Roles"] == "viewer")
        #expect(fields["X-Auth-Session-Amr"] == "pwd")
        #expect(fields["X-Auth-Authenticated-At"] == "1700000000")
        #expect(fields["X-Auth-Org-Id"] == nil)
    }
}
