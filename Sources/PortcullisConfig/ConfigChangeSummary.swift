import PortcullisCore

/// What a reload changed, for the reload log line: tenants and clients added, removed or changed.
public struct ConfigChangeSummary: Sendable, CustomStringConvertible {
    public var tenantsAdded: [String] = []
    public var tenantsRemoved: [String] = []
    public var tenantsChanged: [String] = []
    public var clientsAdded: [String] = []
    public var clientsRemoved: [String] = []
    public var clientsChanged: [String] = []
    public var serverChanged = false

    public init(from old: ConfigSnapshot, to new: ConfigSnapshot) {
        serverChanged = old.server != new.server
        for tenant in new.tenants {
            guard let previous = old.tenantsByID[tenant.id] else {
                tenantsAdded.append(tenant.id)
                continue
            }
            if previous.config != tenant.config || previous.jwks.keys != tenant.jwks.keys {
                tenantsChanged.append(tenant.id)
            }
            for client in tenant.config.clients {
                let name = "\(tenant.id)/\(client.clientID)"
                guard let before = previous.clients[client.clientID.value] else {
                    clientsAdded.append(name)
                    continue
                }
                if before.config != client || before.secretDigest != tenant.clients[client.clientID.value]?.secretDigest {
                    clientsChanged.append(name)
                }
            }
            for client in previous.config.clients where tenant.clients[client.clientID.value] == nil {
                clientsRemoved.append("\(tenant.id)/\(client.clientID)")
            }
        }
        tenantsRemoved = old.tenants.map(\.id).filter { new.tenantsByID[$0] == nil }
    }

    public var isEmpty: Bool {
        !serverChanged && [tenantsAdded, tenantsRemoved, tenantsChanged, clientsAdded, clientsRemoved, clientsChanged]
            .allSatisfy(\.isEmpty)
    }

    public var description: String {
        if isEmpty { return "no changes" }
        var parts: [String] = []
        if serverChanged { parts.append("server settings changed (listener and storage changes need a restart)") }
        for (label, names) in [("tenants added", tenantsAdded), ("tenants removed", tenantsRemoved),
                               ("tenants changed", tenantsChanged), ("clients added", clientsAdded),
                               ("clients removed", clientsRemoved), ("clients changed", clientsChanged)]
        where !names.isEmpty {
            let shown = names.prefix(10).joined(separator: ", ")
            parts.append("\(label): \(shown)\(names.count > 10 ? " and \(names.count - 10) more" : "")")
        }
        return parts.joined(separator: "; ")
    }
}
