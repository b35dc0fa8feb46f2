import Foundation
import PortcullisCore
import PortcullisStore

/// Where the account hooks plug into the service layer (docs/hooks.md); the server implements it
/// with the tenant's HTTP hooks, ``NoAccountHooks`` changes nothing (the CLI, an operator on the
/// host, runs no hooks).
///
/// The `before…` calls may refuse with ``AccountFailure/deniedByHook(_:)``; the `after…` calls
/// are notifications and cannot undo what happened.
public protocol AccountHooks: Sendable {
    /// `pre_user_registration`: the user about to be stored, returned with the metadata the hooks set.
    func beforeRegistration(_ user: User, via: String, request: EventRequestContext?) async throws -> User
    /// `post_user_registration`.
    func afterRegistration(_ user: User, via: String, request: EventRequestContext?) async
    /// `pre_user_update`: `current` is stored, `proposed` is what the change would store.
    func beforeUpdate(_ current: User, proposed: User, request: EventRequestContext?) async throws
    /// `pre_user_deletion`.
    func beforeDeletion(_ user: User, request: EventRequestContext?) async throws
    /// `post_user_deletion`.
    func afterDeletion(_ user: User, request: EventRequestContext?) async
}

public struct NoAccountHooks: AccountHooks {
    public init() {}
    public func beforeRegistration(_ user: User, via: String, request: EventRequestContext?) async throws -> User { user }
    public func afterRegistration(_ user: User, via: String, request: EventRequestContext?) async {}
    public func beforeUpdate(_ current: User, proposed: User, request: EventRequestContext?) async throws {}
    public func beforeDeletion(_ user: User, request: EventRequestContext?) async throws {}
    public func afterDeletion(_ user: User, request: EventRequestContext?) async {}
}
