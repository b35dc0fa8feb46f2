import Foundation
import PortcullisCore
import PortcullisHooks
import PortcullisStore
import Testing

/// The signature receivers check, and the list of event types config and store share.
@Suite("Webhook signatures and event types")
struct WebhookSignatureTests {
    let key = Array("a-webhook-key-of-at-least-32-bytes!!".utf8)
    let body = Array(#"{"id":"evt","type":"user.created"}"#.utf8)

    @Test func aSignatureVerifiesOnlyForItsBodyKeyAndTime() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let header = WebhookSignature.header(key: key, timestamp: 1_800_000_000, body: body)
        #expect(header.hasPrefix("t=1800000000,v1="))
        #expect(header.count == "t=1800000000,v1=".count + 64)
        #expect(WebhookSignature.verify(header, body: body, key: key, now: now))
        #expect(WebhookSignature.verify(header, body: body, key: key, now: now.addingTimeInterval(299)))
        #expect(!WebhookSignature.verify(header, body: body, key: key, now: now.addingTimeInterval(301)), "replayed too late")
        #expect(!WebhookSignature.verify(header, body: body + [0x20], key: key, now: now), "another body")
        #expect(!WebhookSignature.verify(header, body: body, key: Array("another-key-of-at-least-32-bytes!!!!".utf8), now: now))
        #expect(!WebhookSignature.verify(header.replacingOccurrences(of: "t=1800000000", with: "t=1800000001"), body: body,
                                         key: key, now: now), "the timestamp is signed")
        // A receiver rotating keys accepts any matching v1.
        let rotated = "t=1800000000,v1=" + String(repeating: "0", count: 64) + "," + header.dropFirst("t=1800000000,".count)
        #expect(WebhookSignature.verify(rotated, body: body, key: key, now: now))
        #expect(!WebhookSignature.verify("v1=abc", body: body, key: key, now: now))
    }

    @Test func configAndStoreNameTheSameEventTypes() {
        #expect(WebhookConfig.eventTypes == WebhookEventType.all)
        let mapped = Set(DomainEventKind.allCases.compactMap { WebhookEventType.of($0.rawValue, details: [:]) })
        #expect(mapped.union(["user.logout"]) == Set(WebhookEventType.all), "every type has its stored event")
        #expect(WebhookEventType.of("session.ended", details: ["via": "hosted_logout"]) == "user.logout")
        #expect(WebhookEventType.of("session.ended", details: ["via": "management_api"]) == "session.revoked")
        #expect(WebhookEventType.of("role.created", details: [:]) == nil)
    }
}
