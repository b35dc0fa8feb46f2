import Hummingbird
import PortcullisManagement

extension ManagementEndpoints {
    /// The organization routes (``organizationRoutes`` lists the same paths for the document).
    func registerOrganizations(_ route: (String, [HTTPRequest.Method: Operation]) -> Void) {
        let organizations = self.organizations
        route("/organizations", [
            .get: { try await organizations.list($0.query, tenant: $0.tenant, caller: $0.caller) },
            .post: { try await organizations.create($0.body, tenant: $0.tenant, caller: $0.caller, request: $0.event) },
        ])
        route("/organizations/name/{name}", [
            .get: { try await organizations.byName($0.parameter("name"), tenant: $0.tenant, caller: $0.caller) },
        ])
        route("/organizations/{id}", [
            .get: { try await organizations.get($0.parameter("id"), tenant: $0.tenant, caller: $0.caller) },
            .patch: { try await organizations.update($0.parameter("id"), $0.body, tenant: $0.tenant, caller: $0.caller, request: $0.event) },
            .delete: { try await organizations.delete($0.parameter("id"), tenant: $0.tenant, caller: $0.caller, request: $0.event) },
        ])
        route("/organizations/{id}/members", [
            .get: { try await organizations.members($0.parameter("id"), $0.query, tenant: $0.tenant, caller: $0.caller) },
            .post: { try await organizations.addMembers($0.parameter("id"), $0.body, tenant: $0.tenant, caller: $0.caller, request: $0.event) },
            .delete: {
                try await organizations.removeMembers($0.parameter("id"), $0.body, tenant: $0.tenant, caller: $0.caller, request: $0.event)
            },
        ])
        route("/organizations/{id}/members/{user_id}/roles", [
            .get: {
                try await organizations.memberRoles($0.parameter("id"), userID: $0.parameter("user_id"), $0.query,
                                                    tenant: $0.tenant, caller: $0.caller)
            },
            .post: {
                try await organizations.assignMemberRoles($0.parameter("id"), userID: $0.parameter("user_id"), $0.body,
                                                          tenant: $0.tenant, caller: $0.caller, request: $0.event)
            },
            .delete: {
                try await organizations.unassignMemberRoles($0.parameter("id"), userID: $0.parameter("user_id"), $0.body,
                                                            tenant: $0.tenant, caller: $0.caller, request: $0.event)
            },
        ])
        route("/organizations/{id}/enabled_connections", [
            .get: { try await organizations.connections($0.parameter("id"), $0.query, tenant: $0.tenant, caller: $0.caller) },
            .post: {
                try await organizations.enableConnection($0.parameter("id"), $0.body, tenant: $0.tenant, caller: $0.caller, request: $0.event)
            },
        ])
        route("/organizations/{id}/enabled_connections/{connection_id}", [
            .get: {
                try await organizations.connection($0.parameter("id"), connection: $0.parameter("connection_id"),
                                                   tenant: $0.tenant, caller: $0.caller)
            },
            .patch: {
                try await organizations.updateConnection($0.parameter("id"), connection: $0.parameter("connection_id"), $0.body,
                                                         tenant: $0.tenant, caller: $0.caller, request: $0.event)
            },
            .delete: {
                try await organizations.disableConnection($0.parameter("id"), connection: $0.parameter("connection_id"),
                                                          tenant: $0.tenant, caller: $0.caller, request: $0.event)
            },
        ])
        route("/organizations/{id}/invitations", [
            .get: { try await organizations.invitations($0.parameter("id"), $0.query, tenant: $0.tenant, caller: $0.caller) },
            .post: { try await organizations.invite($0.parameter("id"), $0.body, tenant: $0.tenant, caller: $0.caller, request: $0.event) },
        ])
        route("/organizations/{id}/invitations/{invitation_id}", [
            .get: {
                try await organizations.invitation($0.parameter("id"), invitationID: $0.parameter("invitation_id"), $0.query,
                                                   tenant: $0.tenant, caller: $0.caller)
            },
            .delete: {
                try await organizations.revokeInvitation($0.parameter("id"), invitationID: $0.parameter("invitation_id"),
                                                         tenant: $0.tenant, caller: $0.caller, request: $0.event)
            },
        ])
    }
}
