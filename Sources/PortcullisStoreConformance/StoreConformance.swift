import PortcullisStore

/// The behaviour every ``PortcullisStorage`` implementation must show, whatever its database.
///
/// Like dex's `storage/conformance`, one suite is run against each implementation (SQLite now,
/// PostgreSQL later), so they cannot drift apart. It is a plain library, not a test target, so a
/// test target of any framework can drive it:
///
/// ```swift
/// @Test(arguments: StoreConformance.cases)
/// func conformance(_ testCase: StoreConformance.Case) async throws {
///     try await StoreConformance(makeStore: { try SQLiteStore.open(path: freshPath()) }).run(testCase)
/// }
/// ```
public struct StoreConformance: Sendable {
    /// Returns a new, empty store; called once per case.
    public typealias MakeStore = @Sendable () async throws -> any PortcullisStorage

    /// One named behaviour, checked against a fresh store.
    public struct Case: Sendable, CustomStringConvertible {
        /// `"area: behaviour"`, e.g. `"audit events: limit is clamped to 1...1000"`.
        public let name: String
        let body: @Sendable (any PortcullisStorage) async throws -> Void

        init(_ name: String, _ body: @escaping @Sendable (any PortcullisStorage) async throws -> Void) {
            self.name = name
            self.body = body
        }

        public var description: String { name }
    }

    /// Every case, grouped by concern. A new concern appends its list here.
    public static let cases: [Case] = healthCases + signingKeyCases + auditEventCases
        + userCases + userChangeCases + credentialCases + loginAttemptCases + sessionCases + emailTokenCases
        + authorizationCodeCases + refreshTokenCases + organizationCases + roleAssignmentCases
        + userPermissionCases + changeEventCases + userSearchCases + auditEventQueryCases + linkedIdentityCases + runtimeRoleCases
        + organizationDetailCases + invitationCases + webhookOutboxCases + pausedLoginCases + singleUseMarkerCases

    private let makeStore: MakeStore

    /// - Parameter makeStore: creates a new, empty store each time it is called.
    public init(makeStore: @escaping MakeStore) {
        self.makeStore = makeStore
    }

    /// Runs one case against a fresh store.
    ///
    /// - Throws: ``ConformanceFailure`` when an expectation fails or the store throws.
    public func run(_ testCase: Case) async throws {
        do {
            let store = try await makeStore()
            try await testCase.body(store)
        } catch let failure as ExpectationFailed {
            throw ConformanceFailure(
                caseName: testCase.name, message: failure.message, file: failure.file, line: failure.line)
        } catch {
            throw ConformanceFailure(
                caseName: testCase.name, message: "unexpected error: \(error)", file: #fileID, line: #line)
        }
    }

    /// Runs every case and returns the failures; an empty result means the store conforms.
    public func runAll() async -> [ConformanceFailure] {
        var failures: [ConformanceFailure] = []
        for testCase in Self.cases {
            do {
                try await run(testCase)
            } catch let failure as ConformanceFailure {
                failures.append(failure)
            } catch {
                failures.append(ConformanceFailure(
                    caseName: testCase.name, message: "\(error)", file: #fileID, line: #line))
            }
        }
        return failures
    }
}
