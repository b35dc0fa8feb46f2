import Foundation
import PortcullisCore
import PortcullisForwardAuth
import Testing

@Suite("Host, path and request matching")
struct MatchingTests {
    @Test func exactAndWildcardHosts() {
        #expect(HostPattern("App.Acme.Test").matches("app.acme.test"))
        #expect(!HostPattern("app.acme.test").matches("xapp.acme.test"))
        let wildcard = HostPattern("*.acme.test")
        #expect(wildcard.matches("app.acme.test"))
        #expect(!wildcard.matches("acme.test"))
        #expect(!wildcard.matches(".acme.test"))
        #expect(!wildcard.matches("a.b.acme.test"), "the wildcard stands for one label")
        #expect(!wildcard.matches("evilacme.test"))
    }

    @Test func globPatterns() {
        let glob = GlobPattern("/api/*/public/**")
        #expect(glob.matches("/api/v1/public/a/b/c"))
        #expect(glob.matches("/api/v1/public/"))
        #expect(!glob.matches("/api/v1/x/public/a"), "* stays within a segment")
        #expect(!glob.matches("/api/v1/private/a"))
        #expect(GlobPattern("/files/?.txt").matches("/files/a.txt"))
        #expect(!GlobPattern("/files/?.txt").matches("/files//.txt"))
        #expect(GlobPattern("/**/*.css").matches("/a/b/site.css"))
        #expect(!GlobPattern("/*.css").matches("/a/site.css"))
    }

    @Test func regexMatchesTheWholePath() async throws {
        let config = try await RuleFixture.rules("""
          - name: numbered
            paths: [{regex: "/orders/[0-9]+"}]
            policy: bypass
          """)
        let rule = try #require(config.first)
        #expect(rule.matches(try RuleFixture.request("http://app.acme.test/orders/42"), client: nil))
        #expect(!rule.matches(try RuleFixture.request("http://app.acme.test/orders/42/edit"), client: nil))
        #expect(!rule.matches(try RuleFixture.request("http://app.acme.test/x/orders/42"), client: nil))
    }

    @Test func pathsAreNormalizedBeforeMatching() {
        #expect(RequestPath.normalize("/admin/x?y=1") == "/admin/x")
        #expect(RequestPath.normalize("/public/../admin/") == "/admin/")
        #expect(RequestPath.normalize("/%61dmin/panel") == "/admin/panel")
        #expect(RequestPath.normalize("//admin//x") == "/admin/x")
        #expect(RequestPath.normalize("/./admin/.") == "/admin")
        #expect(RequestPath.normalize("/../../") == "/")
        #expect(RequestPath.normalize("/caf%C3%A9") == "/café")
        #expect(RequestPath.normalize("/bad%zz") == nil)
        #expect(RequestPath.normalize("/nul%00") == nil)
        #expect(RequestPath.normalize("/%ff") == nil, "not UTF-8")
        #expect(RequestPath.normalize("relative") == nil)
    }

    @Test func originalRequestFromOriginalURL() throws {
        let request = try OriginalRequest.from(
            originalURL: "https://App.Acme.Test:8443/admin/x?q=1", forwardedProto: nil, forwardedHost: nil,
            forwardedURI: nil, originalMethod: "POST", forwardedMethod: nil, fallbackMethod: "GET").get()
        #expect(request.host == "app.acme.test")
        #expect(request.scheme == "https")
        #expect(request.path == "/admin/x")
        #expect(request.method == "POST")
        #expect(request.url == "https://App.Acme.Test:8443/admin/x?q=1")
    }

    @Test func originalRequestFromForwardedHeaders() throws {
        let request = try OriginalRequest.from(
            originalURL: nil, forwardedProto: "https", forwardedHost: "app.acme.test, proxy.internal",
            forwardedURI: "/public/a", originalMethod: nil, forwardedMethod: "HEAD", fallbackMethod: "GET").get()
        #expect(request.url == "https://app.acme.test/public/a")
        #expect(request.method == "HEAD")
        let bare = try OriginalRequest.from(
            originalURL: "http://[::1]:8080", forwardedProto: nil, forwardedHost: nil, forwardedURI: nil,
            originalMethod: nil, forwardedMethod: nil, fallbackMethod: "GET").get()
        #expect(bare.host == "[::1]")
        #expect(bare.path == "/")
    }

    @Test(arguments: [
        ("ftp://app.acme.test/", "GET"), ("http://user@app.acme.test/", "GET"), ("http://app.acme.test:99999/", "GET"),
        ("http://app acme/", "GET"), ("no-scheme", "GET"), ("http://app.acme.test/", "get"),
        ("http://app.acme.test/" + String(repeating: "a", count: 17000), "GET"), ("http://app.acme.test/a b", "GET"),
    ])
    func invalidOriginalRequests(url: String, method: String) {
        let result = OriginalRequest.from(originalURL: url, forwardedProto: nil, forwardedHost: nil, forwardedURI: nil,
                                          originalMethod: method, forwardedMethod: nil, fallbackMethod: "GET")
        guard case .failure(.invalid) = result else {
            Issue.record("accepted \(url)")
            return
        }
    }

    @Test func undecodablePathsAreRefused() {
        for url in ["http://app.acme.test/%zz", "http://app.acme.test/a%00", "http://app.acme.test/%ff"] {
            let result = OriginalRequest.from(originalURL: url, forwardedProto: nil, forwardedHost: nil, forwardedURI: nil,
                                              originalMethod: nil, forwardedMethod: nil, fallbackMethod: "GET")
            #expect(result == .failure(.undecodablePath), "\(url)")
        }
    }

    @Test func missingForwardingHeaders() {
        let result = OriginalRequest.from(originalURL: nil, forwardedProto: "https", forwardedHost: nil,
                                          forwardedURI: "/x", originalMethod: nil, forwardedMethod: nil,
                                          fallbackMethod: "GET")
        #expect(result == .failure(.missingHeaders))
    }

    @Test func methodsAndNetworks() async throws {
        let rules = try await RuleFixture.rules("""
          - name: office-writes
            methods: [POST, PUT]
            networks: [10.0.0.0/8, "2001:db8::/32"]
            policy: bypass
          """)
        let rule = try #require(rules.first)
        let post = try RuleFixture.request("http://app.acme.test/x", method: "POST")
        #expect(rule.matches(post, client: IPNetwork.parseAddress("10.1.2.3")))
        #expect(rule.matches(post, client: IPNetwork.parseAddress("2001:db8::1")))
        #expect(rule.matches(post, client: IPNetwork.parseAddress("::ffff:10.0.0.1")))
        #expect(!rule.matches(post, client: IPNetwork.parseAddress("192.168.1.1")))
        #expect(!rule.matches(post, client: nil), "an unknown client address never meets a network condition")
        #expect(!rule.matches(try RuleFixture.request("http://app.acme.test/x"), client: IPNetwork.parseAddress("10.1.2.3")))
    }
}

@Suite("Credential headers")
struct CredentialHeaderTests {
    @Test func sessionCookie() {
        #expect(CredentialHeaders.cookie(named: "s", in: "a=1; s=abc; s=second") == "abc")
        #expect(CredentialHeaders.cookie(named: "s", in: "ss=1;s=\"q\"") == "q")
        #expect(CredentialHeaders.cookie(named: "s", in: "a=1") == nil)
        #expect(CredentialHeaders.cookie(named: "s", in: "s=") == nil)
        #expect(CredentialHeaders.cookie(named: "s", in: "s=" + String(repeating: "x", count: 9000)) == nil)
        #expect(CredentialHeaders.cookie(named: "s", in: nil) == nil)
    }

    @Test func bearer() {
        #expect(CredentialHeaders.bearerToken(in: "Bearer abc.def") == "abc.def")
        #expect(CredentialHeaders.bearerToken(in: "bearer  abc") == "abc")
        #expect(CredentialHeaders.bearerToken(in: "Basic abc") == nil)
        #expect(CredentialHeaders.bearerToken(in: "Bearer ") == nil)
    }
}
