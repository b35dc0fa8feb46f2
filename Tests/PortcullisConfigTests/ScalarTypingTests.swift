import Foundation
@testable import PortcullisConfig
import PortcullisCore
import Testing

@Suite("YAML scalar typing and value syntax")
struct ScalarTypingTests {
    @Test(arguments: [
        ("true", ConfigNode.ScalarKind.bool), ("False", .bool), ("yes", .string), ("no", .string), ("on", .string),
        ("NO", .string), ("~", .null), ("null", .null), ("", .null), ("42", .int), ("-7", .int), ("0x1F", .int),
        ("0o17", .int), ("3.5", .float), ("1e3", .float), (".inf", .float), ("1e", .string), ("1.2.3", .string),
        ("12:30", .string), ("2026-11-23", .string), ("abc", .string), ("+", .string), (".", .string),
    ])
    func plainScalarsFollowYAML12Core(_ text: String, _ kind: ConfigNode.ScalarKind) {
        #expect(ScalarResolver.kind(ofPlain: text) == kind)
    }

    @Test(arguments: [
        ("30s", Duration.seconds(30)), ("15m", .seconds(900)), ("1h30m", .seconds(5400)), ("7d", .seconds(604_800)),
        ("2w", .seconds(1_209_600)), ("500ms", .milliseconds(500)), ("90", .seconds(90)), ("1m1ms", .milliseconds(60_001)),
    ])
    func durationsParse(_ text: String, _ expected: Duration) {
        #expect(Duration(configText: text) == expected)
        #expect(Duration(configText: expected.configText) == expected)
    }

    @Test(arguments: ["", "3 days", "10x", "m5", "-5s", "1.5h", "99999999999999h"])
    func badDurationsAreRefused(_ text: String) {
        #expect(Duration(configText: text) == nil)
    }

    @Test func networksMatchAddresses() throws {
        let v4 = try #require(IPNetwork("10.1.0.0/16"))
        #expect(v4.contains("10.1.200.3"))
        #expect(!v4.contains("10.2.0.1"))
        #expect(v4.contains("::ffff:10.1.2.3"))
        let v6 = try #require(IPNetwork("fd00::/8"))
        #expect(v6.contains("fd12::1"))
        #expect(!v6.contains("10.1.2.3"))
        #expect(IPNetwork("10.0.0.0/33") == nil)
        #expect(IPNetwork("not-an-ip") == nil)
    }

    @Test func loopbackAndAuthority() throws {
        let url = try #require(AbsoluteURL("HTTP://LocalHost:80/acme"))
        #expect(url.isLoopback)
        #expect(url.authority == "localhost")
        #expect(try #require(AbsoluteURL("http://[::1]:8080")).isLoopback)
        #expect(try #require(AbsoluteURL("https://auth.acme.test:8443/x")).authority == "auth.acme.test:8443")
        #expect(AbsoluteURL("/relative") == nil)
        #expect(AbsoluteURL("http://") == nil)
    }
}
