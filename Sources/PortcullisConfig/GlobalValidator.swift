import PortcullisCore

/// Rules across tenant files: unique ids and issuers, and issuers that would route ambiguously.
enum GlobalValidator {
    static func validate(_ tenants: [TenantConfig]) -> [ConfigIssue] {
        var issues: [ConfigIssue] = []
        var ids: [String: SourceLocation] = [:]
        var issuers: [(key: String, prefix: String, host: String, location: SourceLocation, id: String)] = []
        for tenant in tenants {
            let id = tenant.id.value
            if !id.isEmpty {
                if let first = ids[id] {
                    issues.append(ConfigIssue(at: tenant.source["id"],
                                              "duplicate tenant id \"\(id)\" (first defined in \(first.file):\(first.line))"))
                } else {
                    ids[id] = tenant.source["id"]
                }
            }
            guard let issuer = tenant.issuer, issuer.isHTTP else { continue }
            let prefix = TenantRouter.prefix(of: issuer)
            let location = tenant.source["issuer"]
            for other in issuers where other.host == issuer.authority {
                if other.prefix == prefix {
                    issues.append(ConfigIssue(at: location,
                        "issuer is also used by tenant \"\(other.id)\" (\(other.location.file):\(other.location.line))"))
                } else if prefix.isEmpty || other.prefix.isEmpty
                            || prefix.hasPrefix(other.prefix + "/") || other.prefix.hasPrefix(prefix + "/") {
                    issues.append(ConfigIssue(at: location,
                        "issuer path overlaps tenant \"\(other.id)\" on the same host (\(other.location.file):\(other.location.line)); tenants on one host need disjoint path prefixes"))
                }
            }
            issuers.append((issuer.text, prefix, issuer.authority, location, id))
        }
        return issues
    }
}
