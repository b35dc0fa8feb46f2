import PortcullisStore

/// The store concerns the OAuth endpoints use.
public typealias OAuthStorage = UserStore & SessionStore & AuthorizationCodeStore & RefreshTokenStore
    & OrganizationStore & RoleAssignmentStore & UserPermissionStore & RoleStore
