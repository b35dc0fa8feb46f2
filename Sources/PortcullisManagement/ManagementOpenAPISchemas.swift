import PortcullisCore

extension ManagementOpenAPI {
    /// The JSON Schemas of the bodies: what the representations write and the body parsers accept.
    enum Schemas {
        static let string: JSONValue = ["type": "string"]
        static let integer: JSONValue = ["type": "integer"]
        static let boolean: JSONValue = ["type": "boolean"]
        static let dateTime: JSONValue = ["type": "string", "format": "date-time"]
        static let metadata: JSONValue = ["type": "object", "description": "Keys without \".\", not starting with \"$\"; at most 64 KiB"]
        static let strings: JSONValue = ["type": "array", "items": string]

        static func object(_ properties: [String: JSONValue], required: [String] = [], closed: Bool = false) -> JSONValue {
            var schema: [String: JSONValue] = ["type": "object", "properties": .object(properties)]
            if !required.isEmpty { schema["required"] = .array(required.map(JSONValue.string)) }
            if closed { schema["additionalProperties"] = false }
            return .object(schema)
        }

        static func text(_ maxLength: Int) -> JSONValue { ["type": "string", "maxLength": .int(maxLength)] }

        static func page(_ key: String, _ item: String) -> JSONValue {
            object(["start": integer, "limit": integer, "length": integer, "total": integer, key: arrayOf(item)],
                   required: ["start", "limit", "length", "total", key])
        }

        static let editable: [String: JSONValue] = [
            "email": text(254), "email_verified": boolean, "username": text(128), "name": text(300),
            "given_name": text(150), "family_name": text(150), "picture": text(2048), "blocked": boolean,
            "app_metadata": metadata, "user_metadata": metadata, "verify_email": boolean, "password": string,
        ]

        static let all: [String: JSONValue] = [
            "Error": object(["statusCode": integer, "error": string, "message": string, "errorCode": string],
                            required: ["statusCode", "error", "message", "errorCode"]),
            "User": object([
                "user_id": string, "email": string, "email_verified": boolean, "username": string, "name": string,
                "given_name": string, "family_name": string, "picture": string, "blocked": boolean,
                "app_metadata": ["type": "object"], "user_metadata": ["type": "object"],
                "identities": arrayOf("Identity"),
                "created_at": dateTime, "updated_at": dateTime, "last_login": dateTime, "logins_count": integer,
            ]),
            "UserPage": page("users", "User"),
            "Identity": object(["connection": string, "user_id": string, "provider": string, "isSocial": boolean,
                                "profileData": ["type": "object"]],
                               required: ["connection", "user_id", "provider", "isSocial"]),
            "IdentityLink": object(["provider": ["type": "string", "enum": ["auth0"]], "user_id": string, "connection_id": string,
                                    "link_with": ["type": "string", "description": "An unexpired ID token of the secondary user"]],
                                   closed: true),
            "UserCreate": object(editable.merging([
                "connection": string, "password_hash": ["type": "string", "description": "argon2id (PHC) or bcrypt"],
            ]) { first, _ in first }, required: ["connection", "email"], closed: true),
            "UserUpdate": object(editable.merging(["connection": string, "client_id": string]) { first, _ in first },
                                 closed: true),
            "Log": object([
                "log_id": string, "date": dateTime, "type": ["type": "string", "description": "Auth0's log type code"],
                "description": string, "ip": string, "user_agent": string, "client_id": string, "client_name": string,
                "user_id": string, "user_name": string, "connection": string, "isMobile": boolean,
                "details": ["type": "object", "additionalProperties": string],
            ]),
            "LogPage": page("logs", "Log"),
            "Session": object([
                "id": string, "user_id": string, "created_at": dateTime, "updated_at": dateTime,
                "authenticated_at": dateTime, "last_interacted_at": dateTime, "idle_expires_at": dateTime,
                "expires_at": dateTime, "device": ["type": "object", "additionalProperties": string],
                "authentication": object(["methods": ["type": "array", "items": object(["name": string, "timestamp": dateTime])]]),
            ], required: ["id", "user_id"]),
            "SessionList": object(["sessions": arrayOf("Session"), "next": string], required: ["sessions"]),
            "RefreshToken": object([
                "id": string, "user_id": string, "client_id": string, "created_at": dateTime, "idle_expires_at": dateTime,
                "expires_at": dateTime, "rotating": boolean, "session_id": string, "organization_id": string,
                "resource_servers": ["type": "array", "items": object(["audience": string, "scopes": string])],
            ], required: ["id", "user_id", "client_id"]),
            "RefreshTokenList": object(["tokens": arrayOf("RefreshToken"), "next": string], required: ["tokens"]),
            "Client": object([
                "client_id": string, "name": string, "app_type": string, "is_first_party": boolean, "callbacks": strings,
                "allowed_logout_urls": strings, "initiate_login_uri": ["type": ["string", "null"]], "web_origins": strings, "grant_types": strings,
                "token_endpoint_auth_method": string, "managed_by": string, "source": ["type": "object"],
            ]),
            "Connection": object(["id": string, "name": string, "strategy": string, "enabled_clients": strings,
                                  "options": ["type": "object"], "managed_by": string, "source": ["type": "object"]]),
            "ResourceServer": object([
                "id": string, "identifier": string, "name": string, "is_system": boolean,
                "scopes": ["type": "array", "items": object(["value": string, "description": string])],
                "token_lifetime": integer, "token_lifetime_for_web": integer, "enforce_policies": boolean,
                "token_dialect": string, "allow_offline_access": boolean, "signing_alg": string,
                "managed_by": string, "source": ["type": "object"],
            ]),
            "Role": object(["id": string, "name": string, "description": string, "managed_by": string, "source": ["type": "object"]]),
            "RolePage": page("roles", "Role"),
            "RoleCreate": object(["name": text(50), "description": text(140)], required: ["name"], closed: true),
            "RoleUpdate": object(["name": text(50), "description": text(140)], closed: true),
            "PermissionRef": object(["resource_server_identifier": string, "permission_name": string],
                                    required: ["resource_server_identifier", "permission_name"], closed: true),
            "PermissionList": object(["permissions": ["type": "array", "items": ref("PermissionRef"), "minItems": 1, "maxItems": 100]],
                                     required: ["permissions"], closed: true),
            "RoleIDs": object(["roles": ["type": "array", "items": ["type": "string", "minLength": 1], "minItems": 1, "maxItems": 100]],
                              required: ["roles"], closed: true),
            "UserIDs": object(["users": ["type": "array", "items": ["type": "string", "minLength": 1], "minItems": 1, "maxItems": 100]],
                              required: ["users"], closed: true),
            "Permission": object(["permission_name": string, "description": string, "resource_server_identifier": string,
                                  "resource_server_name": string],
                                 required: ["permission_name", "resource_server_identifier"]),
            "PermissionPage": page("permissions", "Permission"),
            "UserPermission": object(["permission_name": string, "description": string, "resource_server_identifier": string,
                                      "resource_server_name": string,
                                      "sources": ["type": "array", "items": object(["source_id": string, "source_name": string,
                                                                                    "source_type": ["type": "string", "enum": ["DIRECT", "ROLE"]]])]],
                                     required: ["permission_name", "resource_server_identifier", "sources"]),
            "UserPermissionPage": page("permissions", "UserPermission"),
            "RoleMember": object(["user_id": string, "email": string, "name": string, "picture": string], required: ["user_id"]),
            "RoleMemberPage": page("users", "RoleMember"),
            "RoleMemberList": object(["users": arrayOf("RoleMember"), "next": string], required: ["users"]),
            "ClientGrant": object(["id": string, "client_id": string, "audience": string, "scope": strings,
                                   "managed_by": string, "source": ["type": "object"]]),
        ]
    }
}
