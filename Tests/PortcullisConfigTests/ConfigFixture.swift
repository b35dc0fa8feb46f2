import Foundation
import PortcullisConfig
import PortcullisCore

/// A private copy of the shipped example configuration in a temporary directory, which a test may
/// edit before loading it. Issues are reported relative to the copy, so tests compare
/// `tenants/acme.yaml:12:3 ...` regardless of where the copy lives.
struct ConfigFixture {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    let root: URL
    var configDirectory: String { root.appendingPathComponent("config").path }
    var secretsPath: String { root.appendingPathComponent("secrets.yaml").path }

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("portcullis-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Self.repositoryRoot.appendingPathComponent("config"),
                                         to: root.appendingPathComponent("config"))
        try FileManager.default.copyItem(at: Self.repositoryRoot.appendingPathComponent("secrets.example.yaml"),
                                         to: root.appendingPathComponent("secrets.yaml"))
    }

    func remove() {
        try? FileManager.default.removeItem(at: root)
    }

    func path(_ relative: String) -> String {
        relative == "secrets.yaml" ? secretsPath : root.appendingPathComponent("config/" + relative).path
    }

    func read(_ relative: String) throws -> String {
        try String(contentsOfFile: path(relative), encoding: .utf8)
    }

    func write(_ relative: String, _ text: String) throws {
        try text.write(toFile: path(relative), atomically: true, encoding: .utf8)
    }

    /// Replaces the first occurrence of `old` in a file; fails loudly when it is not there, so a
    /// test never silently tests nothing.
    func replace(_ relative: String, _ old: String, with new: String) throws {
        let text = try read(relative)
        guard let range = text.range(of: old) else { throw FixtureError.notFound(old, relative) }
        try write(relative, text.replacingCharacters(in: range, with: new))
    }

    /// 1-based line number of the first line containing `marker`.
    func line(of marker: String, in relative: String) throws -> Int {
        let lines = try read(relative).components(separatedBy: "\n")
        guard let index = lines.firstIndex(where: { $0.contains(marker) }) else { throw FixtureError.notFound(marker, relative) }
        return index + 1
    }

    func load(environment: [String: String] = [:]) async -> ConfigLoadResult {
        await ConfigLoader(configDirectory: configDirectory, secretsPath: secretsPath, environment: environment)
            .load(generation: 1)
    }

    /// Issue texts with the temporary directory removed: `tenants/acme.yaml:3:9 issuer: ...`.
    func issues(environment: [String: String] = [:]) async -> [String] {
        await load(environment: environment).issues.map(relative)
    }

    func relative(_ issue: ConfigIssue) -> String {
        issue.description.replacingOccurrences(of: configDirectory + "/", with: "")
            .replacingOccurrences(of: secretsPath, with: "secrets.yaml")
    }
}

enum FixtureError: Error {
    case notFound(String, String)
}
