import Core
import Yams

/// Reads YAML into manifest values with the typing kustomize applies: resources as go-yaml v3 reads them
/// (YAML 1.2 booleans, unquoted dates become RFC 3339 timestamps), kustomization files as go-yaml v2 (YAML 1.1).
public enum ManifestYAML {
    /// Every non-empty document of a YAML stream.
    public static func documents(
        _ text: String, file: String, dialect: ScalarResolver.Dialect = .yaml12
    ) throws(Diagnostic) -> [(value: ManifestValue, location: SourceLocation)] {
        var result: [(value: ManifestValue, location: SourceLocation)] = []
        let parser: Parser
        do {
            parser = try Parser(yaml: text, resolver: .basic, constructor: .default, encoding: .utf8)
            while let root = try parser.nextRoot() {
                let location = YAMLDocument.location(root.mark, file: file)
                var budget = Budget(nodes: nodeBudget, bytes: max(textBudget, 4 * text.utf8.count))
                let value = try convert(root, file: file, dialect: dialect, depth: 0, budget: &budget)
                if !value.isNull { result.append((value, location)) }
            }
        } catch let error as YamlError {
            throw YAMLDocument.diagnostic(for: error, file: file, text: text)
        } catch let error as Diagnostic {
            throw error
        } catch {
            throw Diagnostic("could not parse YAML: \(error)", at: SourceLocation(file: file, line: 1, column: 1))
        }
        withExtendedLifetime(parser) {}
        return result
    }

    /// For each non-empty document of `text` (numbered as `documents` numbers them), the paths (keys, and list
    /// positions as decimal text) of the nulls written out (`null`, `~`); nulls left empty (`key:`) are not among them.
    /// kyaml keeps the first kind through a strategic merge and drops the second. The text has been parsed once
    /// already, so a failure here leaves what was found so far.
    static func explicitNullPaths(_ text: String) -> [Set<[String]>] {
        guard let parser = try? Parser(yaml: text, resolver: .basic, constructor: .default, encoding: .utf8) else { return [] }
        var result: [Set<[String]>] = []
        while let root = try? parser.nextRoot() {
            if case .scalar(let scalar) = root, scalar.string.isEmpty || ScalarResolver.resolve(scalar.string, dialect: .yaml12) == .null {
                continue
            }
            var found: Set<[String]> = []
            var path: [String] = []
            collectExplicitNulls(root, path: &path, into: &found, depth: 0)
            result.append(found)
        }
        return result
    }

    private static func collectExplicitNulls(_ node: Node, path: inout [String], into found: inout Set<[String]>, depth: Int) {
        guard depth < 512 else { return }
        switch node {
        case .scalar(let scalar):
            let plain = scalar.style == .plain || scalar.style == .any
            if plain, !scalar.string.isEmpty, YAMLDocument.explicitTag(scalar.tag) == nil,
                ScalarResolver.resolve(scalar.string, dialect: .yaml12) == .null
            {
                found.insert(path)
            }
        case .sequence(let sequence):
            for (offset, item) in sequence.enumerated() {
                path.append(String(offset))
                collectExplicitNulls(item, path: &path, into: &found, depth: depth + 1)
                path.removeLast()
            }
        case .mapping(let mapping):
            for (key, value) in mapping {
                guard let name = key.scalar?.string else { continue }
                path.append(name)
                collectExplicitNulls(value, path: &path, into: &found, depth: depth + 1)
                path.removeLast()
            }
        case .alias:
            return
        }
    }

    /// Aliases are expanded, so a small document can stand for a huge one ("billion laughs"); stop well before that:
    /// at two million nodes, or at scalar text beyond four times the file and 16 MiB (an anchored long string repeated
    /// through aliases). A document without aliases never reaches either.
    static let nodeBudget = 2_000_000
    static let textBudget = 16 << 20

    struct Budget {
        var nodes: Int
        var bytes: Int
    }

    static func convert(
        _ node: Node, file: String, dialect: ScalarResolver.Dialect, depth: Int, budget: inout Budget
    ) throws(Diagnostic) -> ManifestValue {
        guard depth < 512 else {
            throw Diagnostic("YAML nesting is too deep", at: YAMLDocument.location(node.mark, file: file))
        }
        budget.nodes -= 1
        guard budget.nodes > 0 else {
            throw Diagnostic(
                "the document expands to more than \(nodeBudget) nodes (too many aliases)",
                at: YAMLDocument.location(node.mark, file: file))
        }
        switch node {
        case .scalar(let scalar):
            budget.bytes -= scalar.string.utf8.count
            guard budget.bytes > 0 else {
                throw Diagnostic(
                    "the document expands to more text than 4 times its file or \(textBudget >> 20) MiB (too many aliases)",
                    at: YAMLDocument.location(node.mark, file: file))
            }
            return typed(scalar, dialect: dialect)
        case .sequence(let sequence):
            var items: [ManifestValue] = []
            items.reserveCapacity(sequence.count)
            for item in sequence { items.append(try convert(item, file: file, dialect: dialect, depth: depth + 1, budget: &budget)) }
            return .array(items)
        case .mapping(let mapping):
            var fields: [String: ManifestValue] = [:]
            fields.reserveCapacity(mapping.count)
            var merged: [ManifestValue] = []
            for (key, value) in mapping {
                guard let name = key.scalar?.string else {
                    throw Diagnostic(
                        "a mapping key must be a scalar", at: YAMLDocument.location(key.mark, file: file))
                }
                if name == "<<", case .scalar(let scalar) = key, scalar.style == .plain || scalar.style == .any {
                    let source = try convert(value, file: file, dialect: dialect, depth: depth + 1, budget: &budget)
                    merged.append(source)
                    continue
                }
                fields[name] = try convert(value, file: file, dialect: dialect, depth: depth + 1, budget: &budget)
            }
            // `<<: *base` fills in keys the mapping does not set itself; earlier merged maps win over later ones.
            for source in merged {
                let maps = source.array ?? [source]
                for map in maps {
                    guard let entries = map.object else {
                        throw Diagnostic(
                            "map merge requires map or sequence of maps as the value",
                            at: YAMLDocument.location(node.mark, file: file))
                    }
                    for (key, value) in entries where fields[key] == nil { fields[key] = value }
                }
            }
            return .object(fields)
        case .alias:
            throw Diagnostic("unknown YAML alias", at: YAMLDocument.location(node.mark, file: file))
        }
    }

    static func typed(_ scalar: Node.Scalar, dialect: ScalarResolver.Dialect) -> ManifestValue {
        let text = scalar.string
        let tag = YAMLDocument.explicitTag(scalar.tag)
        if let tag {
            if tag.hasSuffix(":str") || tag == "!" { return .string(text) }
            if tag.hasSuffix(":int") || tag.hasSuffix(":float") || tag.hasSuffix(":bool") || tag.hasSuffix(":null") {
                return resolvedValue(text, dialect: dialect)
            }
            return .string(text)
        }
        switch scalar.style {
        case .plain, .any: return resolvedValue(text, dialect: dialect)
        default: return .string(text)
        }
    }

    static func resolvedValue(_ text: String, dialect: ScalarResolver.Dialect) -> ManifestValue {
        switch ScalarResolver.resolve(text, dialect: dialect) {
        case .null: .null
        case .bool(let flag): .bool(flag)
        case .integer(let digits): .integer(digits)
        case .float(let number): .float(number)
        case .timestamp(let stamp): .string(stamp)
        case .string: .string(text)
        }
    }
}
