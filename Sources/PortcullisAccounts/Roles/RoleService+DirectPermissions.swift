import Foundation
import PortcullisCore
import PortcullisStore

extension RoleService {
    /// Gives the user permissions directly (besides their roles'); each must be a scope its
    /// resource server defines. Each grant is written with its event.
    /// - Returns: how many grants were new.
    @discardableResult
    public func grant(_ permissions: [RolePermission], to userID: String, in tenant: TenantConfig, by actor: EventParty,
                      request: EventRequestContext? = nil, now: Date = Date()) async throws -> Int {
        try Self.requireDefined(permissions, in: tenant)
        let tenantID = tenant.id.value
        guard try await storage.user(tenantID: tenantID, id: userID) != nil else { throw RoleFailure.noSuchUser }
        var added = 0
        for permission in permissions {
            let event = Self.grantEvent(.permissionGranted, permission, userID: userID, tenantID: tenantID, actor: actor,
                                        request: request, now: now)
            if try await storage.grantPermission(tenantID: tenantID, userID: userID, resourceServer: permission.resourceServer,
                                                 permission: permission.permission, at: now, events: [event]) {
                added += 1
            }
        }
        return added
    }

    /// Takes direct permissions away (also ones the configuration no longer defines).
    /// - Returns: how many the user had.
    @discardableResult
    public func revoke(_ permissions: [RolePermission], from userID: String, in tenant: TenantConfig, by actor: EventParty,
                       request: EventRequestContext? = nil, now: Date = Date()) async throws -> Int {
        let tenantID = tenant.id.value
        guard try await storage.user(tenantID: tenantID, id: userID) != nil else { throw RoleFailure.noSuchUser }
        var removed = 0
        for permission in permissions {
            let event = Self.grantEvent(.permissionRevoked, permission, userID: userID, tenantID: tenantID, actor: actor,
                                        request: request, now: now)
            if try await storage.revokePermission(tenantID: tenantID, userID: userID, resourceServer: permission.resourceServer,
                                                  permission: permission.permission, events: [event]) {
                removed += 1
            }
        }
        return removed
    }

    static func grantEvent(_ kind: DomainEventKind, _ permission: RolePermission, userID: String, tenantID: String,
                           actor: EventParty, request: EventRequestContext?, now: Date) -> DomainEvent {
        DomainEvent(kind, tenantID: tenantID, subject: .user(userID), actor: actor, request: request, at: now,
                    details: ["resource_server": permission.resourceServer, "permission": permission.permission])
    }
}
