import PortcullisStore

extension StoreConformance {
    static let healthCases: [Case] = [
        Case("health: ping answers on a fresh store") { store in
            try await store.ping()
            // A second ping must not depend on state left by the first.
            try await store.ping()
        },
    ]
}
