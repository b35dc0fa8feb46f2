import Foundation
import PortcullisCore
import Synchronization

/// The root of the secrets file: `secrets: [{key, data | env | file}]`.
struct SecretsFileRoot: ConfigObject, Sendable {
    static let definitionName = "SecretsFile"
    static let summary = "The secrets file (secrets.yaml): values that never live in configuration files."

    var secrets: [SecretEntry]

    init(reading r: ObjectReader) {
        secrets = r.list("secrets", "Secret entries; configuration names them by key.")
    }
}

struct SecretEntry: ConfigObject, Sendable {
    static let definitionName = "Secret"
    static let summary = "One secret: exactly one of data, env or file."

    var key: String
    var data: String?
    var env: String?
    var file: String?
    var source: SourceMap

    init(reading r: ObjectReader) {
        key = r.required("key", "Name by which configuration refers to this secret.") ?? ""
        data = r.optional("data", "The value itself (development only; prefer env or file).")
        env = r.optional("env", "Name of an environment variable holding the value.")
        file = r.optional("file", "Path of a file holding the value (relative to the secrets file); trailing newlines are removed.")
        source = r.source
        guard !r.isDescribing else { return }
        if [data, env, file].compactMap({ $0 }).count != 1 { r.report(nil, "give exactly one of data, env or file") }
    }
}

/// Secrets after loading: values resolved on first use, so a problem with a secret is reported
/// only if configuration actually uses it, and at the secret's own line. Safe to share between the
/// tasks that build tenants in parallel.
final class SecretResolver: Sendable {
    private struct State {
        var resolved: [String: String] = [:]
        var used: Set<String> = []
        var readFiles: [String] = []
    }

    private let entries: [String: SecretEntry]
    private let state = Mutex(State())
    let displayPath: String
    private let directory: String
    private let environment: [String: String]

    init(root: SecretsFileRoot?, path: String, displayPath: String, environment: [String: String],
         issues: inout [ConfigIssue]) {
        self.displayPath = displayPath
        self.directory = (path as NSString).deletingLastPathComponent
        self.environment = environment
        var entries: [String: SecretEntry] = [:]
        for entry in root?.secrets ?? [] where !entry.key.isEmpty {
            if let first = entries[entry.key] {
                issues.append(ConfigIssue(at: entry.source["key"],
                    "duplicate secret key \"\(entry.key)\" (first defined at line \(first.source.object.line))"))
                continue
            }
            entries[entry.key] = entry
        }
        self.entries = entries
    }

    var readFiles: [String] { state.withLock { $0.readFiles } }

    var keys: [String] { entries.keys.sorted() }

    /// The value of a referenced secret, or an issue at the reference (unknown key) or at the secret
    /// (unset variable, unreadable file).
    func value(_ reference: Located<String>, issues: inout [ConfigIssue]) -> String? {
        let cached = state.withLock { state -> String? in
            state.used.insert(reference.value)
            return state.resolved[reference.value]
        }
        if let cached { return cached }
        guard let entry = entries[reference.value] else {
            var message = "secret \"\(reference.value)\" is not defined in \(displayPath)"
            if let near = Suggestion.closest(to: reference.value, among: keys) { message += "; did you mean \"\(near)\"?" }
            issues.append(ConfigIssue(at: reference.location, message))
            return nil
        }
        var value: String?
        if let data = entry.data {
            value = data
        } else if let name = entry.env {
            guard let text = environment[name] else {
                issues.append(ConfigIssue(at: entry.source["env"], "environment variable \(name) is not set"))
                return nil
            }
            value = text.trimmingTrailingNewlines()
        } else if let file = entry.file {
            let path = file.hasPrefix("/") ? file : (directory as NSString).appendingPathComponent(file)
            state.withLock { $0.readFiles.append(path) }
            guard let data = FileManager.default.contents(atPath: path), data.count <= YAMLFile.maximumSize,
                  let text = String(data: data, encoding: .utf8)
            else {
                issues.append(ConfigIssue(at: entry.source["file"], "cannot read secret file \(file)"))
                return nil
            }
            value = text.trimmingTrailingNewlines()
        }
        if let value, value.isEmpty {
            issues.append(ConfigIssue(at: entry.source.object, "secret \"\(entry.key)\" is empty"))
            return nil
        }
        if let value { state.withLock { $0.resolved[reference.value] = value } }
        return value
    }

    /// Whether a reference names a defined secret (without resolving it).
    func contains(_ key: String) -> Bool { entries[key] != nil }

    func unusedWarnings() -> [ConfigIssue] {
        let used = state.withLock { $0.used }
        return entries.values.filter { !used.contains($0.key) }.sorted { $0.key < $1.key }.map {
            ConfigIssue(at: $0.source["key"], "secret \"\($0.key)\" is not used by the configuration")
        }
    }
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var text = self
        while text.hasSuffix("\n") || text.hasSuffix("\r") { text.removeLast() }
        return text
    }
}
