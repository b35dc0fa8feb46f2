import Foundation
import PortcullisCore
import Yams

/// Reads one YAML file into a `ConfigNode`, turning every way it can fail (missing, unreadable,
/// too large, not UTF-8, bad syntax, duplicate keys, aliases) into one positioned issue.
enum YAMLFile {
    /// Configuration files are small; a multi-megabyte file is a mistake or an attack.
    static let maximumSize = 1 << 20

    struct Loaded {
        var node: ConfigNode?
        var bytes: Data
    }

    static func load(path: String, displayPath: String, issues: inout [ConfigIssue]) -> Loaded {
        func fail(_ message: String, line: Int = 1, column: Int = 1) -> Loaded {
            issues.append(ConfigIssue(file: displayPath, line: line, column: column, path: "", message: message))
            return Loaded(node: nil, bytes: Data())
        }
        let data: Data
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            if let size = attributes[.size] as? Int, size > maximumSize {
                return fail("file is \(size) bytes; configuration files may be at most \(maximumSize) bytes")
            }
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            return fail(FileManager.default.fileExists(atPath: path) ? "cannot read file" : "file does not exist")
        }
        guard data.count <= maximumSize else {
            return fail("file is \(data.count) bytes; configuration files may be at most \(maximumSize) bytes")
        }
        guard let text = String(data: data, encoding: .utf8) else { return fail("file is not valid UTF-8") }
        var loaded = Loaded(node: nil, bytes: data)
        do {
            guard let node = try Yams.compose(yaml: text, .basic) else {
                return Loaded(node: .mapping([], .init(line: 1, column: 1)), bytes: data)
            }
            var aliasIssues: [ConfigIssue] = []
            loaded.node = convert(node, file: displayPath, issues: &aliasIssues)
            issues += aliasIssues
        } catch let error as YamlError {
            let (mark, problem) = describe(error)
            _ = fail("invalid YAML: \(problem)", line: mark?.line ?? 1, column: mark?.column ?? 1)
            loaded.node = nil
        } catch {
            _ = fail("invalid YAML")
        }
        return loaded
    }

    private static func describe(_ error: YamlError) -> (Mark?, String) {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let prefix = context.map { "\($0.text) " } ?? ""
            return (mark, prefix + problem)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return (context.mark, "duplicate key \(duplicates.map { "\"\($0)\"" }.joined(separator: ", ")) in mapping")
        case .reader(let problem, _, _, _):
            return (nil, problem)
        default:
            return (nil, "\(error)")
        }
    }

    /// Aliases are expanded by the parser into references to the anchored node; converting them
    /// copies, so a document of nested aliases ("billion laughs") could grow exponentially. The
    /// budget bounds the work: a real configuration file is far below it.
    static let nodeBudget = 200_000

    private static func convert(_ node: Node, file: String, issues: inout [ConfigIssue]) -> ConfigNode? {
        var budget = nodeBudget
        let converted = convert(node, file: file, budget: &budget)
        if budget < 0 {
            issues.append(ConfigIssue(file: file, line: 1, column: 1, path: "",
                message: "document expands to more than \(nodeBudget) values (nested YAML aliases?); refusing it"))
            return nil
        }
        return converted
    }

    private static func convert(_ node: Node, file: String, budget: inout Int) -> ConfigNode {
        let mark = node.mark.map { ConfigNode.Position(line: $0.line, column: $0.column) } ?? .init(line: 1, column: 1)
        budget -= 1
        guard budget >= 0 else { return .scalar("", .null, mark) }
        switch node {
        case .scalar(let scalar):
            // Yams composes with its basic resolver (everything a string); typing is ours.
            let kind = scalar.style == .plain ? ScalarResolver.kind(ofPlain: scalar.string) : .string
            return .scalar(scalar.string, kind, mark)
        case .mapping(let mapping):
            return .mapping(mapping.map { (convert($0.key, file: file, budget: &budget), convert($0.value, file: file, budget: &budget)) }, mark)
        case .sequence(let sequence):
            return .sequence(sequence.map { convert($0, file: file, budget: &budget) }, mark)
        case .alias:
            // Compose resolves aliases; an unresolved one is an empty value.
            return .scalar("", .null, mark)
        }
    }
}
