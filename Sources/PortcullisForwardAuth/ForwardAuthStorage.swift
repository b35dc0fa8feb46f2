import PortcullisStore

/// What the resolver reads from the store — only when its cache has no answer.
public typealias ForwardAuthStorage = SessionStore & UserStore & RefreshTokenStore & OrganizationStore
    & RoleAssignmentStore
