import Foundation
import PortcullisConfig
import Testing

/// One broken configuration: an edit to the example config and the exact problems it must produce.
/// `{L}` in an expectation is the 1-based line of `marker` in the edited file, so each expectation
/// pins file, line, column, path and message.
struct InvalidCase: CustomTestStringConvertible, Sendable {
    let name: String
    let file: String
    let edit: @Sendable (ConfigFixture) throws -> Void
    let marker: String
    let expected: [String]
    var environment: [String: String] = [:]

    var testDescription: String { name }
}

private func replacing(_ file: String, _ old: String, _ new: String) -> @Sendable (ConfigFixture) throws -> Void {
    { try $0.replace(file, old, with: new) }
}

private let acme = "tenants/acme.yaml"
private let globex = "tenants/globex.yaml"
private let server = "portcullis.yaml"
private let secrets = "secrets.yaml"

let invalidCases: [InvalidCase] = [
    InvalidCase(name: "unknown key at tenant root", file: acme,
                edit: { try $0.write(acme, try $0.read(acme) + "typo_key: 1\n") }, marker: "typo_key",
                expected: ["tenants/acme.yaml:{L}:1 typo_key: unknown key \"typo_key\""]),
    InvalidCase(name: "misspelled key gets a suggestion", file: acme,
                edit: replacing(acme, "display_name: Acme", "dispaly_name: Acme"), marker: "dispaly_name",
                expected: ["tenants/acme.yaml:{L}:1 dispaly_name: unknown key \"dispaly_name\"; did you mean \"display_name\"?"]),
    InvalidCase(name: "relative redirect URI", file: acme,
                edit: replacing(acme, "      - http://127.0.0.1:8081/callback", "      - /callback"), marker: "- /callback",
                expected: ["tenants/acme.yaml:{L}:9 clients[0].redirect_uris[0]: must be an absolute URL, found \"/callback\""]),
    InvalidCase(name: "plain http issuer outside loopback", file: acme,
                edit: { fixture in
                    // The management API's client grants name the issuer too.
                    try fixture.replace(acme, "issuer: http://127.0.0.1:8080/acme", with: "issuer: http://auth.acme.test")
                    for _ in 0..<2 {
                        try fixture.replace(acme, "audience: http://127.0.0.1:8080/acme/api/v2/", with: "audience: http://auth.acme.test/api/v2/")
                    }
                }, marker: "issuer:",
                expected: ["tenants/acme.yaml:{L}:9 issuer: http:// is only allowed for loopback hosts; use https:// or set allow_insecure_http: true"]),
    InvalidCase(name: "issuer with trailing slash", file: acme,
                edit: replacing(acme, "issuer: http://127.0.0.1:8080/acme", "issuer: http://127.0.0.1:8080/acme/"), marker: "issuer:",
                expected: ["tenants/acme.yaml:{L}:9 issuer: must not end with a slash; tokens carry the issuer exactly as written"]),
    InvalidCase(name: "string where a boolean belongs", file: acme,
                edit: replacing(acme, "signup_enabled: true", "signup_enabled: \"yes\""), marker: "signup_enabled",
                expected: ["tenants/acme.yaml:{L}:21 connections[0].signup_enabled: must be true or false, found a string"]),
    InvalidCase(name: "number where a string belongs", file: acme,
                edit: replacing(acme, "client_id: acme-worker", "client_id: 12345"), marker: "client_id: 12345",
                expected: [
                    "tenants/acme.yaml:{L}:16 clients[2].client_id: must be a string, found an integer (quote it: \"12345\")",
                    // The grant still names the client, which now has no valid id.
                    "tenants/acme.yaml:{line:  - client_id: acme-worker}:16 client_grants[0].client_id: no client with client_id \"acme-worker\"",
                ]),
    InvalidCase(name: "bad duration", file: acme,
                edit: replacing(acme, "idle_timeout: 3d", "idle_timeout: 3 days"), marker: "idle_timeout",
                expected: ["tenants/acme.yaml:{L}:17 session.idle_timeout: \"3 days\" is not a duration; write it like 30s, 15m, 1h30m or 7d"]),
    InvalidCase(name: "idle timeout longer than absolute timeout", file: acme,
                edit: replacing(acme, "idle_timeout: 3d", "idle_timeout: 30d"), marker: "idle_timeout",
                expected: ["tenants/acme.yaml:{L}:17 session.idle_timeout: must not be longer than absolute_timeout (14d)"]),
    InvalidCase(name: "duplicate client id", file: acme,
                edit: replacing(acme, "client_id: acme-spa", "client_id: acme-web"), marker: "name: Acme Single-Page App",
                expected: ["tenants/acme.yaml:{L-1}:16 clients[1].client_id: duplicate client_id \"acme-web\" (first defined at line {line:client_id: acme-web})"]),
    InvalidCase(name: "client names a missing connection", file: acme,
                edit: replacing(acme, "connections: [Username-Password-Authentication]\n    refresh_token:\n      rotation: rotating\n      idle_lifetime: 15d",
                                "connections: [Username-Password-Auth]\n    refresh_token:\n      rotation: rotating\n      idle_lifetime: 15d"),
                marker: "[Username-Password-Auth]",
                expected: ["tenants/acme.yaml:{L}:19 clients[0].connections[0]: no connection named \"Username-Password-Auth\""]),
    InvalidCase(name: "client grant with an undefined scope", file: acme,
                edit: replacing(acme, "scopes: [read:orders, write:orders]\n", "scopes: [read:orders, write:order]\n"),
                marker: "write:order]",
                expected: ["tenants/acme.yaml:{L}:27 client_grants[0].scopes[1]: scope \"write:order\" is not defined by resource server https://api.acme.test; did you mean \"write:orders\"?"]),
    InvalidCase(name: "client grant for an unknown API", file: acme,
                edit: replacing(acme, "audience: https://api.acme.test", "audience: https://api.globex.test"), marker: "audience:",
                expected: ["tenants/acme.yaml:{L}:15 client_grants[0].audience: no resource server with identifier \"https://api.globex.test\""]),
    InvalidCase(name: "client grant for a client without client_credentials", file: acme,
                edit: replacing(acme, "  - client_id: acme-worker\n    audience", "  - client_id: acme-web\n    audience"),
                marker: "  - client_id: acme-web\n",
                expected: []),  // replaced below: see `grantToInteractiveClient`
    InvalidCase(name: "role permission with an undefined scope", file: acme,
                edit: replacing(acme, "admin:reports]", "admin:report]"), marker: "admin:report]",
                expected: ["tenants/acme.yaml:{L}:45 roles[0].permissions[0].scopes[2]: scope \"admin:report\" is not defined by resource server https://api.acme.test; did you mean \"admin:reports\"?"]),
    InvalidCase(name: "access rule names an unknown role", file: acme,
                edit: replacing(acme, "roles: {any_of: [admin]}", "roles: {any_of: [admins]}"), marker: "any_of: [admins]",
                expected: ["tenants/acme.yaml:{L}:22 access_rules[1].roles.any_of[0]: no role named \"admins\"; did you mean \"admin\"?"]),
    InvalidCase(name: "reference to an undefined secret", file: acme,
                edit: replacing(acme, "client_secret: acme-web-client-secret", "client_secret: acme-web-client-secrt"),
                marker: "acme-web-client-secrt",
                expected: ["tenants/acme.yaml:{L}:20 clients[0].client_secret: secret \"acme-web-client-secrt\" is not defined in secrets.yaml; did you mean \"acme-web-client-secret\"?"]),
    InvalidCase(name: "two active keys of one algorithm", file: acme,
                edit: { fixture in
                    try fixture.replace(acme, "status: published", with: "status: active")
                    try fixture.replace(acme, "algorithm: ES256", with: "algorithm: RS256")
                }, marker: "- kid: acme-rs256-2026",
                expected: ["tenants/acme.yaml:{L}:3 signing_keys: at most one RS256 key may be active, found acme-rs256-2026, acme-es256-2026; publish the others",
                           "tenants/acme.yaml:{line:secret: acme-signing-es256}:13 signing_keys[1].secret: secret \"acme-signing-es256\" is not an RSA private key (algorithm RS256)"]),
    InvalidCase(name: "no active signing key", file: acme,
                edit: replacing(acme, "status: active", "status: published"), marker: "- kid: acme-rs256-2026",
                expected: ["tenants/acme.yaml:{L}:3 signing_keys: one signing key must have status active, found none",
                           "tenants/acme.yaml:{line:signing_algorithm: RS256}:24 resource_servers[0].signing_algorithm: the tenant has no active RS256 signing key"]),
    InvalidCase(name: "API signing algorithm without an active key", file: acme,
                edit: replacing(acme, "signing_algorithm: RS256", "signing_algorithm: ES256"), marker: "signing_algorithm: ES256",
                expected: ["tenants/acme.yaml:{L}:24 resource_servers[0].signing_algorithm: the tenant has no active ES256 signing key"]),
    InvalidCase(name: "EC key declared as RS256", file: acme,
                edit: replacing(acme, "algorithm: ES256", "algorithm: RS256"), marker: "secret: acme-signing-es256",
                expected: ["tenants/acme.yaml:{L}:13 signing_keys[1].secret: secret \"acme-signing-es256\" is not an RSA private key (algorithm RS256)"]),
    InvalidCase(name: "enum value with a suggestion", file: acme,
                edit: replacing(acme, "type: spa", "type: spaa"), marker: "type: spaa",
                expected: ["tenants/acme.yaml:{L}:11 clients[1].type: must be one of spa, regular_web, native, machine_to_machine, found \"spaa\"; did you mean \"spa\"?"]),
    InvalidCase(name: "public client authenticating with a secret", file: acme,
                edit: replacing(acme, "token_endpoint_auth_method: none", "token_endpoint_auth_method: client_secret_basic"),
                marker: "token_endpoint_auth_method: client_secret_basic\n    redirect_uris:\n      - http://127.0.0.1:8081/callback\n    post_logout_redirect_uris:\n      - http://127.0.0.1:8081/logged-out\n    allowed_web_origins:\n      - http",
                expected: []),  // multi-line marker: see `publicClientWithSecret`
    InvalidCase(name: "machine client with a browser grant", file: acme,
                edit: replacing(acme, "grant_types: [client_credentials]", "grant_types: [client_credentials, authorization_code]"),
                marker: "grant_types: [client_credentials, authorization_code]",
                expected: [
                    "tenants/acme.yaml:{L-5}:5 clients[2].redirect_uris: at least one redirect URI is required for authorization_code",
                    "tenants/acme.yaml:{L}:18 clients[2].grant_types: machine_to_machine clients use only client_credentials",
                ]),
    InvalidCase(name: "redirect URI with a fragment", file: acme,
                edit: replacing(acme, "      - http://127.0.0.1:8081/callback", "      - http://127.0.0.1:8081/callback#top"),
                marker: "/callback#top",
                expected: ["tenants/acme.yaml:{L}:9 clients[0].redirect_uris[0]: must not contain a fragment (#)"]),
    InvalidCase(name: "plain http redirect URI outside loopback", file: acme,
                edit: replacing(acme, "      - http://127.0.0.1:8081/callback", "      - http://app.acme.test/callback"),
                marker: "app.acme.test/callback",
                expected: ["tenants/acme.yaml:{L}:9 clients[0].redirect_uris[0]: http:// is only allowed for loopback hosts; use https:// or set allow_insecure_http: true"]),
    InvalidCase(name: "initiate_login_uri over plain http off loopback, with a fragment", file: acme,
                edit: replacing(acme, "    allowed_web_origins:\n      - http://127.0.0.1:8081\n",
                                "    initiate_login_uri: http://app.acme.test/start#x\n    allowed_web_origins:\n      - http://127.0.0.1:8081\n"),
                marker: "initiate_login_uri: http://app.acme.test",
                expected: [
                    "tenants/acme.yaml:{L}:25 clients[1].initiate_login_uri: http:// is only allowed for loopback hosts; use https:// or set allow_insecure_http: true",
                    "tenants/acme.yaml:{L}:25 clients[1].initiate_login_uri: must not contain a fragment (#)",
                ]),
    InvalidCase(name: "web origin with a path", file: acme,
                edit: replacing(acme, "      - http://127.0.0.1:8081\n", "      - http://127.0.0.1:8081/app\n"),
                marker: "- http://127.0.0.1:8081/app",
                expected: ["tenants/acme.yaml:{L}:9 clients[1].allowed_web_origins[0]: must be an origin (scheme://host[:port]) without path, query or fragment"]),
    InvalidCase(name: "unknown OpenID scope", file: acme,
                edit: replacing(acme, "allowed_scopes: [openid, profile, email, offline_access]", "allowed_scopes: [openid, profil]"),
                marker: "[openid, profil]",
                expected: ["tenants/acme.yaml:{L}:21 clients[0].allowed_scopes[1]: \"profil\" is not an OpenID Connect scope (openid, profile, email, address, phone, offline_access); did you mean \"profile\"?"]),
    InvalidCase(name: "password policy out of range", file: acme,
                edit: replacing(acme, "min_length: 10", "min_length: 4"), marker: "min_length: 4",
                expected: ["tenants/acme.yaml:{L}:19 connections[0].password_policy.min_length: must be between 8 and 128, found 4"]),
    InvalidCase(name: "roles policy without roles", file: acme,
                edit: replacing(acme, "    policy: roles\n    roles: {any_of: [admin]}\n", "    policy: roles\n"),
                marker: "policy: roles",
                expected: ["tenants/acme.yaml:{L}:13 access_rules[1].policy: policy roles needs a `roles` condition (any_of or all_of)"]),
    InvalidCase(name: "identity token lifetime out of range", file: acme,
                edit: replacing(acme, "  allowed_return_hosts: [app.acme.test]\n",
                                "  allowed_return_hosts: [app.acme.test]\n  identity_token: {enabled: true, lifetime: 1h}\n"),
                marker: "identity_token:",
                expected: ["tenants/acme.yaml:{L}:45 forward_auth.identity_token.lifetime: must be between 10s and 10m, found 1h"]),
    InvalidCase(name: "path matcher with two kinds", file: acme,
                edit: replacing(acme, "paths: [{prefix: /public/}]", "paths: [{prefix: /public/, glob: /x/*}]"),
                marker: "glob: /x/*",
                expected: ["tenants/acme.yaml:{L}:13 access_rules[0].paths[0]: give exactly one of prefix, glob or regex"]),
    InvalidCase(name: "webhook event with a typo", file: acme,
                edit: replacing(acme, "user.login_failed", "user.login_faild"), marker: "user.login_faild",
                expected: ["tenants/acme.yaml:{L}:40 webhooks[0].events[2]: unknown event type \"user.login_faild\"; did you mean \"user.login_failed\"?"]),
    InvalidCase(name: "form field mistakes", file: acme,
                edit: replacing(acme, "        required: true\n        max_length: 100\n",
                                "        required: true\n        max_length: 100\n        pattern: \"[a-z\"\n        options: [{value: a, label: A}]\n      - name: Company\n        type: select\n        label: x\n"),
                marker: "pattern: \"[a-z\"",
                expected: [
                    "tenants/acme.yaml:{L}:18 forms[0].fields[0].pattern: is not a valid regular expression",
                    "tenants/acme.yaml:{L+1}:18 forms[0].fields[0].options: applies only to select fields",
                    "tenants/acme.yaml:{L+2}:9 forms[0].fields[1].options: a select field needs at least one option",
                    "tenants/acme.yaml:{L+2}:15 forms[0].fields[1].name: must be 1 to 64 characters: lower-case letters, digits and '_', starting with a letter",
                ]),
    InvalidCase(name: "form with a duplicate field and a bad locale", file: acme,
                edit: replacing(acme, "      - name: accept_terms\n", "      - name: company\n        label: {en_GB: Firm}\n      - name: accept_terms\n"),
                marker: "label: {en_GB",
                expected: [
                    "tenants/acme.yaml:{L-1}:15 forms[0].fields[1].name: duplicate field name \"company\"",
                    "tenants/acme.yaml:{L}:16 forms[0].fields[1].label: \"en_GB\" is not a locale (use a language tag such as en or de-AT)",
                ]),
    InvalidCase(name: "SAML ACS with a non-web scheme", file: acme,
                edit: replacing(acme, "- url: http://127.0.0.1:8087/acs", "- url: ftp://127.0.0.1/acs"), marker: "ftp://",
                expected: ["tenants/acme.yaml:{L}:14 saml_service_providers[0].assertion_consumer_services[0].url: must be an http:// or https:// URL"]),
    InvalidCase(name: "SAML SP with a bad id, an unknown attribute source and SHA-1 without opting in", file: acme,
                edit: { fixture in
                    var text = try fixture.read(acme)
                    text = text.replacingOccurrences(of: "  - id: demo-sp\n", with: "  - id: demo sp\n    signature_algorithm: rsa-sha1\n")
                    text = text.replacingOccurrences(of: "        source: name\n", with: "        source: full_name\n")
                    try fixture.write(acme, text)
                }, marker: "id: demo sp",
                expected: [
                    "tenants/acme.yaml:{L}:9 saml_service_providers[0].id: \"demo sp\" is not a valid identifier (1 to 128 characters: letters, digits, '.', '_', ':', '-', starting with a letter or digit)",
                    "tenants/acme.yaml:{L+1}:26 saml_service_providers[0].signature_algorithm: rsa-sha1 needs allow_sha1: true (SHA-1 is broken for collisions)",
                    "tenants/acme.yaml:{line:source: full_name}:17 saml_service_providers[0].attributes[1].source: unknown source \"full_name\" (a user field (email, name, given_name, family_name, nickname, picture, user_id, email_verified, roles) or app_metadata.PATH / user_metadata.PATH)",
                ]),
    InvalidCase(name: "SAML SP whose certificate is not PEM, signing key unknown, nothing signed", file: acme,
                edit: replacing(acme, "    sign_assertion: true\n    sign_response: true\n",
                                "    sign_assertion: false\n    sign_response: false\n    certificate: not-a-cert\n    signing: {key: acme-rs256-2025}\n"),
                marker: "sign_assertion: false",
                expected: [
                    "tenants/acme.yaml:{L}:21 saml_service_providers[0].sign_assertion: at least one of sign_response and sign_assertion must be true: an unsigned assertion proves nothing",
                    "tenants/acme.yaml:{L+2}:18 saml_service_providers[0].certificate: must be a PEM certificate (-----BEGIN CERTIFICATE-----)",
                    "tenants/acme.yaml:{L+3}:20 saml_service_providers[0].signing.key: no RS256 signing key \"acme-rs256-2025\"; did you mean \"acme-rs256-2026\"?",
                ]),
    InvalidCase(name: "SAML SP with an ACS index twice and a missing metadata file", file: acme,
                edit: replacing(acme, "      - url: http://127.0.0.1:8087/acs\n        binding: http-post\n",
                                "      - url: http://127.0.0.1:8087/acs\n        index: 1\n      - url: http://127.0.0.1:8087/acs2\n        index: 1\n    metadata_file: missing-sp.xml\n"),
                marker: "metadata_file: missing-sp.xml",
                expected: [
                    "tenants/acme.yaml:{L-1}:16 saml_service_providers[0].assertion_consumer_services[1].index: duplicate index 1",
                    "tenants/acme.yaml:{L}:20 saml_service_providers[0].metadata_file: cannot read the metadata file tenants/missing-sp.xml",
                ]),
    InvalidCase(name: "YAML syntax error", file: acme,
                edit: replacing(acme, "display_name: Acme Corporation", "display_name: [Acme Corporation"), marker: "branding:",
                expected: ["tenants/acme.yaml:{L}:9 invalid YAML: while parsing a flow sequence did not find expected ',' or ']'"]),
    InvalidCase(name: "YAML alias is expanded and checked like any value", file: globex,
                edit: replacing(globex, "display_name: Globex", "display_name: &name Globex\nlabel: *name"), marker: "&name",
                expected: ["tenants/globex.yaml:{L+1}:1 label: unknown key \"label\""]),
    InvalidCase(name: "nested aliases that expand exponentially", file: globex,
                edit: { fixture in
                    var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
                    for level in 1...9 { text += "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]\n" }
                    try fixture.write(globex, text)
                }, marker: "a0:",
                expected: ["tenants/globex.yaml:{L}:1 document expands to more than 200000 values (nested YAML aliases?); refusing it"]),
    InvalidCase(name: "tenant file that is a list", file: globex,
                edit: { try $0.write(globex, "- id: globex\n") }, marker: "- id",
                expected: ["tenants/globex.yaml:{L}:1 must be a mapping, found a list"]),
    InvalidCase(name: "missing required issuer", file: globex,
                edit: replacing(globex, "issuer: http://127.0.0.1:8080/globex\n", ""), marker: "id: globex",
                expected: ["tenants/globex.yaml:{L}:1 issuer: is required"]),
    InvalidCase(name: "duplicate tenant id", file: globex,
                edit: replacing(globex, "id: globex", "id: acme"), marker: "id: acme",
                expected: ["tenants/globex.yaml:{L}:5 id: duplicate tenant id \"acme\" (first defined in tenants/acme.yaml:2)"]),
    InvalidCase(name: "duplicate issuer", file: globex,
                edit: replacing(globex, "issuer: http://127.0.0.1:8080/globex", "issuer: http://127.0.0.1:8080/acme"), marker: "issuer:",
                expected: ["tenants/globex.yaml:{L}:9 issuer: issuer is also used by tenant \"acme\" (tenants/acme.yaml:3)"]),
    InvalidCase(name: "nested issuer paths on one host", file: globex,
                edit: replacing(globex, "issuer: http://127.0.0.1:8080/globex", "issuer: http://127.0.0.1:8080/acme/globex"), marker: "issuer:",
                expected: ["tenants/globex.yaml:{L}:9 issuer: issuer path overlaps tenant \"acme\" on the same host (tenants/acme.yaml:3); tenants on one host need disjoint path prefixes"]),
    InvalidCase(name: "bad listen address", file: server,
                edit: replacing(server, "listen: 127.0.0.1:8080", "listen: localhost"), marker: "listen:",
                expected: ["portcullis.yaml:{L}:11 server.listen: must be host:port like 127.0.0.1:8080 or [::1]:8080, found \"localhost\""]),
    InvalidCase(name: "bad trusted proxy network", file: server,
                edit: replacing(server, "- 127.0.0.1/32", "- 127.0.0.1/33"), marker: "127.0.0.1/33",
                expected: ["portcullis.yaml:{L}:7 server.trusted_proxies[0]: must be an IP address or CIDR network like 10.0.0.0/8, found \"127.0.0.1/33\""]),
    InvalidCase(name: "poll interval too short", file: server,
                edit: replacing(server, "poll_interval: 2s", "poll_interval: 10ms"), marker: "poll_interval",
                expected: ["portcullis.yaml:{L}:18 reload.poll_interval: must be between 100ms and 1h"]),
    InvalidCase(name: "secret from an unset environment variable", file: secrets,
                edit: replacing(secrets, "data: acme-web-dev-secret", "env: ACME_WEB_SECRET"), marker: "env: ACME_WEB_SECRET",
                expected: ["secrets.yaml:{L}:10 secrets[0].env: environment variable ACME_WEB_SECRET is not set"]),
    InvalidCase(name: "secret from an unreadable file", file: secrets,
                edit: replacing(secrets, "data: acme-worker-dev-secret", "file: missing-secret.txt"), marker: "missing-secret.txt",
                expected: ["secrets.yaml:{L}:11 secrets[1].file: cannot read secret file missing-secret.txt"]),
    InvalidCase(name: "secret with two sources", file: secrets,
                edit: replacing(secrets, "data: acme-web-dev-secret", "data: acme-web-dev-secret\n    env: ALSO"), marker: "- key: acme-web-client-secret",
                expected: ["secrets.yaml:{L}:5 secrets[0]: give exactly one of data, env or file"]),
    InvalidCase(name: "client secret too short for a digest", file: secrets,
                edit: replacing(secrets, "data: acme-worker-dev-secret", "data: short"), marker: "",
                expected: []),  // location is in the tenant file: see `shortClientSecret`
]

@Suite("Invalid configurations")
struct InvalidConfigTests {
    @Test(arguments: invalidCases.filter { !$0.expected.isEmpty })
    func reportsExactIssues(_ testCase: InvalidCase) async throws {
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        try testCase.edit(fixture)
        let line = try fixture.line(of: testCase.marker, in: testCase.file)
        let expected = testCase.expected.map { text in
            var text = text.replacingOccurrences(of: "{L}", with: String(line))
            for offset in 1...9 {
                text = text.replacingOccurrences(of: "{L-\(offset)}", with: String(line - offset))
                text = text.replacingOccurrences(of: "{L+\(offset)}", with: String(line + offset))
            }
            return text
        }
        let expandedLines = try expected.map { try expandLineMarkers($0, fixture: fixture, file: testCase.file) }
        let result = await fixture.load(environment: testCase.environment)
        #expect(result.snapshot == nil)
        #expect(result.issues.map(fixture.relative) == expandedLines)
    }

    /// Replaces `{line:TEXT}` with the line number of the first line containing TEXT in the file.
    private func expandLineMarkers(_ text: String, fixture: ConfigFixture, file: String) throws -> String {
        var result = text
        while let start = result.range(of: "{line:"), let end = result[start.upperBound...].firstIndex(of: "}") {
            let marker = String(result[start.upperBound..<end])
            let line = try fixture.line(of: marker, in: file)
            result.replaceSubrange(start.lowerBound...end, with: String(line))
        }
        return result
    }

    @Test func grantToInteractiveClient() async throws {
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        try fixture.replace(acme, "  - client_id: acme-worker\n    audience", with: "  - client_id: acme-web\n    audience")
        let line = try fixture.line(of: "audience: https://api.acme.test", in: acme) - 1
        #expect(await fixture.issues() == [
            "tenants/acme.yaml:\(line):16 client_grants[0].client_id: client acme-web does not have the client_credentials grant type",
        ])
    }

    @Test func publicClientWithSecret() async throws {
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        try fixture.replace(acme, "token_endpoint_auth_method: none", with: "token_endpoint_auth_method: client_secret_basic")
        let spaLine = try fixture.line(of: "client_id: acme-spa", in: acme)
        let methodLine = try fixture.read(acme).components(separatedBy: "\n").enumerated()
            .first { $0.offset + 1 > spaLine && $0.element.contains("token_endpoint_auth_method") }.map { $0.offset + 1 }
        #expect(await fixture.issues() == [
            "tenants/acme.yaml:\(spaLine):5 clients[1].client_secret: is required with client_secret_basic",
            "tenants/acme.yaml:\(methodLine ?? 0):33 clients[1].token_endpoint_auth_method: spa clients are public and must use none",
        ])
    }

    @Test func shortClientSecret() async throws {
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        try fixture.replace(secrets, "data: acme-worker-dev-secret", with: "data: short")
        let line = try fixture.line(of: "client_secret: acme-worker-client-secret", in: acme)
        #expect(await fixture.issues() == [
            "tenants/acme.yaml:\(line):20 clients[2].client_secret: client secret \"acme-worker-client-secret\" is too short (5 bytes; at least 16, ideally 32 random bytes)",
        ])
    }

    @Test func weakRSAKey() async throws {
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        let pem = try generateKey(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024"])
        let text = try fixture.read(secrets)
        let start = try #require(text.range(of: "  - key: acme-signing-rs256"))
        let end = try #require(text.range(of: "  - key: acme-signing-es256"))
        let indented = pem.split(separator: "\n").map { "      \($0)" }.joined(separator: "\n")
        try fixture.write(secrets, text.replacingCharacters(in: start.lowerBound..<end.lowerBound,
            with: "  - key: acme-signing-rs256\n    data: |\n\(indented)\n"))
        let line = try fixture.line(of: "secret: acme-signing-rs256", in: acme)
        #expect(await fixture.issues() == [
            "tenants/acme.yaml:\(line):13 signing_keys[0].secret: secret \"acme-signing-rs256\" is too weak: RSA keys must have at least 2048 bits, this one has 1024 (algorithm RS256)",
        ])
    }

    @Test func oversizedFile() async throws {
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        try fixture.write("tenants/huge.yaml", "# " + String(repeating: "x", count: 2 << 20) + "\n")
        let issues = await fixture.issues()
        #expect(issues == ["tenants/huge.yaml:1:1 file is 2097155 bytes; configuration files may be at most 1048576 bytes"])
    }

    @Test func missingTenantsDirectory() async throws {
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        try FileManager.default.removeItem(atPath: fixture.path("tenants"))
        let issues = await fixture.load().issues.map(\.message)
        #expect(issues == ["directory does not exist or cannot be read"])
    }

    @Test func keysRequiredOutsideDevelopmentMode() async throws {
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        try fixture.replace(server, "development_mode: true", with: "development_mode: false")
        let text = try fixture.read(globex)
        let start = try #require(text.range(of: "signing_keys:"))
        let end = try #require(text.range(of: "connections:"))
        try fixture.write(globex, text.replacingCharacters(in: start.lowerBound..<end.lowerBound, with: ""))
        let line = try fixture.line(of: "id: globex", in: globex)
        #expect(await fixture.issues() == [
            "tenants/globex.yaml:\(line):1 signing_keys: a tenant needs a signing key; generated keys are only allowed with server.development_mode: true",
        ])
    }

    @Test func everyProblemAtOnce() async throws {
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        try fixture.replace(acme, "display_name: Acme", with: "dispaly_name: Acme")
        try fixture.replace(globex, "issuer: http://127.0.0.1:8080/globex", with: "issuer: not a url")
        try fixture.replace(server, "listen: 127.0.0.1:8080", with: "listen: nowhere")
        let issues = await fixture.issues()
        #expect(issues.count == 3)
        #expect(issues == issues.sorted())
    }

    private func generateKey(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
