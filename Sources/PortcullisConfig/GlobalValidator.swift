import PortcullisCore

/// Rules across tenant files: unique ids and issuers, and issuers that would route ambiguously.
enum GlobalValidator {
    static func validate(_ tenants: [TenantConfig]) -> [ConfigIssue] {
        var issues: [ConfigIssue] = []
        var ids: [String: SourceLocation] = [:]
        // Issuers by host, then by path prefix: exact clashes are a lookup, and overlaps are found by
        // looking up each ancestor prefix, so 1,000 tenants on one host cost no pairwise comparison.
        var byHost: [String: [String: (location: SourceLocation, id: String)]] = [:]
        // Every proper ancestor of a registered prefix, with the tenant below it.
        var ancestorsByHost: [String: [String: (location: SourceLocation, id: String)]] = [:]
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
            var prefixes = byHost[issuer.authority, default: [:]]
            if let other = prefixes[prefix] {
                issues.append(ConfigIssue(at: location,
                    "issuer is also used by tenant \"\(other.id)\" (\(other.location.file):\(other.location.line))"))
                continue
            }
            if let other = overlapping(prefix, in: prefixes) ?? ancestorsByHost[issuer.authority]?[prefix] {
                issues.append(ConfigIssue(at: location,
                    "issuer path overlaps tenant \"\(other.id)\" on the same host (\(other.location.file):\(other.location.line)); tenants on one host need disjoint path prefixes"))
            }
            prefixes[prefix] = (location, id)
            byHost[issuer.authority] = prefixes
            var ancestor = prefix
            while let slash = ancestor.lastIndex(of: "/") {
                ancestor = String(ancestor[..<slash])
                ancestorsByHost[issuer.authority, default: [:]][ancestor] = (location, id)
            }
        }
        return issues
    }

    /// A registered prefix that contains `prefix` (whole path segments), or any prefix when one of
    /// them is the host's root.
    private static func overlapping(_ prefix: String, in prefixes: [String: (location: SourceLocation, id: String)])
        -> (location: SourceLocation, id: String)?
    {
        if prefix.isEmpty { return prefixes.values.min { $0.location.file < $1.location.file } }
        if let root = prefixes[""] { return root }
        var ancestor = prefix
        while let slash = ancestor.lastIndex(of: "/"), slash != ancestor.startIndex {
            ancestor = String(ancestor[..<slash])
            if let found = prefixes[ancestor] { return found }
        }
        return nil
    }
}
