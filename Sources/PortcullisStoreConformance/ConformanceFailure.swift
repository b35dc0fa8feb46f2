/// A conformance expectation that a store did not meet.
public struct ConformanceFailure: Error, CustomStringConvertible, Sendable {
    /// The case that failed, e.g. `"signing keys: insertIfAbsent keeps the first key"`.
    public var caseName: String
    /// What was expected and what the store did.
    public var message: String
    /// Where in the suite the expectation is written (`#fileID`).
    public var file: String
    /// The line of the expectation.
    public var line: Int

    public init(caseName: String, message: String, file: String, line: Int) {
        self.caseName = caseName
        self.message = message
        self.file = file
        self.line = line
    }

    public var description: String {
        "\(file):\(line): [\(caseName)] \(message)"
    }
}

/// Thrown by the expectation helpers; ``StoreConformance/run(_:)`` adds the case name.
struct ExpectationFailed: Error {
    var message: String
    var file: String
    var line: Int
}

/// Fails the current case with `message` unless `condition` holds.
func expect(
    _ condition: Bool, _ message: @autoclosure () -> String,
    file: String = #fileID, line: Int = #line
) throws(ExpectationFailed) {
    if !condition {
        throw ExpectationFailed(message: message(), file: file, line: line)
    }
}

/// Fails the current case unless `actual == expected`; `what` names the compared value.
func expectEqual<Value: Equatable>(
    _ actual: Value, _ expected: Value, _ what: String,
    file: String = #fileID, line: Int = #line
) throws(ExpectationFailed) {
    if actual != expected {
        throw ExpectationFailed(message: "\(what): expected \(expected), got \(actual)", file: file, line: line)
    }
}
