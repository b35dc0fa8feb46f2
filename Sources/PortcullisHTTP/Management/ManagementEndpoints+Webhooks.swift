import Hummingbird
import PortcullisManagement

extension ManagementEndpoints {
    /// The event log and webhook deliveries (listed in ``otherRoutes`` for the document).
    func registerWebhooks(_ route: (String, [HTTPRequest.Method: Operation]) -> Void) {
        let webhooks = self.webhooks
        route("/events", [
            .get: { try await webhooks.events($0.query, tenant: $0.tenant, caller: $0.caller) },
        ])
        route("/webhooks/{name}/deliveries", [
            .get: { try await webhooks.deliveries($0.parameter("name"), $0.query, tenant: $0.tenant, caller: $0.caller) },
        ])
        route("/webhooks/{name}/deliveries/{id}/retry", [
            .post: {
                try await webhooks.retry($0.parameter("name"), deliveryID: $0.parameter("id"), tenant: $0.tenant,
                                         caller: $0.caller, request: $0.event)
            },
        ])
    }
}
