import Foundation
import HTTPTypes
import HummingbirdTesting
import PortcullisCore
import PortcullisHooks
import Testing

/// The event log and webhook deliveries through the management API: what was sent, what failed,
/// and sending a dead delivery again.
@Suite("Management API events and webhook deliveries")
struct ManagementWebhooksTests {
    @Test func deliveriesAreListedAndADeadOneIsRetried() async throws {
        let server = try await OutboxWorkerTests.server()
        defer { server.remove() }
        let sender = ScriptedSender()
        let worker = OutboxWorkerTests.worker(server, sender)
        let services = server.makeServices()
        try await server.application(services: services).test(.router) { client in
            let api = try await ManagementClient.signedIn(client)
            let created = try await api.send(.post, "/users", json: [
                "connection": "Username-Password-Authentication", "email": "ann@example.com",
                "password": "a-long-unusual-passphrase",
            ])
            #expect(created.status == .created)
            sender.script([.status(500), .failure("connection refused")])
            for _ in 0..<3 {
                _ = try await worker.step()
                try await Task.sleep(for: .milliseconds(20))
            }
            // Two failed attempts (max_attempts 2): dead, with what went wrong.
            let dead = try await api.send(.get, "/webhooks/audit-sink/deliveries?status=dead&include_totals=true")
            #expect(dead.json["total"] == 1, "\(dead.json)")
            let delivery = try #require(dead.json["deliveries"]?.arrayValue?.first)
            #expect(delivery["event_type"] == "user.created")
            #expect(delivery["attempts"] == 2)
            #expect(delivery["last_error"] == "connection refused")
            #expect(delivery["next_attempt_at"] == nil)
            let id = try #require(delivery["id"]?.stringValue)

            // The auditor reads but does not retry; the admin retries, and it goes out.
            let auditor = try await ManagementClient.signedIn(client, as: ManagementClient.auditor)
            #expect(try await auditor.send(.get, "/webhooks/audit-sink/deliveries").status == .ok)
            expectManagementError(try await auditor.send(.post, "/webhooks/audit-sink/deliveries/\(id)/retry"), 403, "insufficient_scope")
            let retried = try await api.send(.post, "/webhooks/audit-sink/deliveries/\(id)/retry")
            #expect(retried.status == .accepted)
            #expect(retried.json["status"] == "pending" && retried.json["attempts"] == 0)
            _ = try await worker.step()
            let delivered = try await api.send(.get, "/webhooks/audit-sink/deliveries?status=delivered")
            #expect(delivered.json.arrayValue?.first?["id"]?.stringValue == id)
            #expect(delivered.json.arrayValue?.first?["last_status"] == 204)
            #expect(sender.sent.count == 3)

            expectManagementError(try await api.send(.get, "/webhooks/nothing/deliveries"), 404, "inexistent_webhook")
            expectManagementError(try await api.send(.post, "/webhooks/audit-sink/deliveries/whd_missing/retry"), 404,
                                  "inexistent_delivery")
            expectManagementError(try await api.send(.get, "/webhooks/audit-sink/deliveries?status=lost"), 400, "invalid_query_string")

            // The event log, in the payload's shape; the retry is in the logs.
            let events = try await api.send(.get, "/events?type=user.created")
            let event = try #require(events.json.arrayValue?.first)
            #expect(event["type"] == "user.created" && event["tenant"] == "acme")
            #expect(event["id"]?.stringValue == delivery["event_id"]?.stringValue)
            #expect(try await api.send(.get, "/events?type=user.logout").json.arrayValue?.isEmpty == true)
            expectManagementError(try await api.send(.get, "/events?type=user.exploded"), 400, "invalid_query_string")
            let logs = try await api.send(.get, "/logs?per_page=100").json.arrayValue ?? []
            #expect(logs.contains { $0["description"] == "Retry a webhook delivery" })
        }
    }
}
