/// Everything Portcullis keeps at runtime, as one value callers can hold: `any PortcullisStorage`.
///
/// Storage is split into one small protocol per concern (health, signing keys, audit events, users,
/// sessions, codes, tokens, organizations…) so each can be read, implemented and tested on its own, as in
/// dex's storage interfaces. To add a concern:
/// 1. declare a `…Store` protocol and its value types in their own files here;
/// 2. add the protocol to the list below;
/// 3. implement it in `PortcullisStoreSQLite` (`SQLiteStore+….swift`, with a new migration appended to
///    `SQLiteMigrations`);
/// 4. add its cases to `PortcullisStoreConformance`, so every store implementation is held to it.
public protocol PortcullisStorage:
    StoreHealth, SigningKeyStore, AuditEventStore,
    UserStore, CredentialStore, LoginAttemptStore, SessionStore, EmailTokenStore,
    AuthorizationCodeStore, RefreshTokenStore, OrganizationStore, RoleAssignmentStore,
    UserPermissionStore, RoleStore, InvitationStore, WebhookOutboxStore, PausedLoginStore,
    SingleUseMarkerStore {}
