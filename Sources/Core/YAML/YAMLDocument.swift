import Yams

/// Parses YAML text into `YAMLNode`s with positions, reporting syntax errors as diagnostics.
public enum YAMLDocument {
    public struct Options: Sendable {
        /// Reject anchors and aliases (GitHub refused them until 2025-09).
        public var allowAnchors: Bool
        /// Accept `<<` merge keys as plain keys; when false they are refused (GitHub still refuses them).
        public var allowMergeKeys: Bool
        /// The most nodes a document may expand to through aliases (a small file can otherwise expand without end).
        public var nodeBudget: Int
        public init(allowAnchors: Bool = true, allowMergeKeys: Bool = true, nodeBudget: Int = 1_000_000) {
            self.allowAnchors = allowAnchors
            self.allowMergeKeys = allowMergeKeys
            self.nodeBudget = nodeBudget
        }
    }

    /// Parses the first document of `text`; an empty document yields nil.
    public static func parse(_ text: String, file: String, options: Options = .init()) throws(Diagnostic) -> YAMLNode? {
        let root: Node?
        let parser: Parser
        do {
            parser = try Parser(yaml: text, resolver: .basic, constructor: .default, encoding: .utf8)
            root = try parser.singleRoot()
        } catch let error as YamlError {
            throw diagnostic(for: error, file: file, text: text)
        } catch {
            throw Diagnostic("could not parse YAML: \(error)", at: SourceLocation(file: file, line: 1, column: 1))
        }
        guard let root else { return nil }
        // Yams holds anchors weakly from the nodes and strongly from the parser: keep the parser alive while
        // converting, or anchors vanish before they can be reported.
        defer { withExtendedLifetime(parser) {} }
        var budget = options.nodeBudget
        return try convert(root, file: file, options: options, depth: 0, budget: &budget)
    }

    /// The tag the author wrote (`!!bool`), nil for implicit ones. Read before anything resolves the tag.
    public static func explicitTag(_ tag: Tag) -> String? {
        let name = tag.description
        return name.isEmpty || name == "!" ? nil : name
    }

    public static func location(_ mark: Mark?, file: String) -> SourceLocation {
        SourceLocation(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    /// A syntax error from Yams as a diagnostic at the offending position.
    public static func diagnostic(for error: YamlError, file: String, text: String) -> Diagnostic {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let context = context.map { " (\($0.text) at line \($0.mark.line))" } ?? ""
            return Diagnostic("YAML syntax error: \(problem)\(context)", at: location(mark, file: file))
        case .duplicatedKeysInMapping(let duplicates, let context):
            // Yams marks the first key; users (and GitHub) point at the repeated one.
            var at = location(context.mark, file: file)
            if let key = duplicates.first, let line = repeatedKeyLine(key, after: context.mark, in: text) {
                at = SourceLocation(file: file, line: line, column: context.mark.column)
            }
            return Diagnostic("'\(duplicates.joined(separator: "', '"))' is already defined", at: at)
        case .reader(let problem, _, _, _):
            return Diagnostic("YAML reader error: \(problem)", at: SourceLocation(file: file, line: 1, column: 1))
        default:
            return Diagnostic("YAML error: \(error)", at: SourceLocation(file: file, line: 1, column: 1))
        }
    }

    /// The line of the next block-mapping key `key` at the same column as `mark`, if the mapping is a block one.
    static func repeatedKeyLine(_ key: String, after mark: Mark, in text: String) -> Int? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard mark.line >= 1, mark.line <= lines.count else { return nil }
        let indent = mark.column - 1
        for index in mark.line..<lines.count {
            let line = Substring(lines[index])
            let leading = line.prefix { $0 == " " }.count
            let rest = line.dropFirst(leading).drop { $0 == "-" || $0 == " " }
            let keyColumn = line.count - rest.count
            guard !rest.isEmpty, !rest.hasPrefix("#") else { continue }
            if leading < indent, keyColumn != indent { return nil }  // left the mapping
            guard keyColumn == indent else { continue }
            for form in [key, "\"\(key)\"", "'\(key)'"] where rest.hasPrefix(form) {
                let after = rest.dropFirst(form.count).drop { $0 == " " }
                if after.hasPrefix(":") { return index + 1 }
            }
        }
        return nil
    }

    static func convert(_ node: Node, file: String, options: Options, depth: Int, budget: inout Int) throws(Diagnostic) -> YAMLNode {
        let loc = location(node.mark, file: file)
        guard depth < 256 else { throw Diagnostic("YAML nesting is too deep", at: loc) }
        budget -= 1
        guard budget >= 0 else {
            throw Diagnostic("the document expands to more than \(options.nodeBudget) nodes (too many aliases)", at: loc)
        }
        switch node {
        case .scalar(let scalar):
            if !options.allowAnchors, scalar.anchor != nil {
                throw Diagnostic("Anchors are not currently supported. Remove the anchor", at: loc)
            }
            let style: YAMLNode.ScalarStyle
            switch scalar.style {
            case .singleQuoted: style = .singleQuoted
            case .doubleQuoted: style = .doubleQuoted
            case .literal: style = .literal
            case .folded: style = .folded
            default: style = .plain
            }
            return YAMLNode(.scalar(scalar.string, style), at: loc, explicitTag: explicitTag(scalar.tag))
        case .mapping(let mapping):
            if !options.allowAnchors, mapping.anchor != nil {
                throw Diagnostic("Anchors are not currently supported. Remove the anchor", at: loc)
            }
            var pairs: [(key: YAMLNode, value: YAMLNode)] = []
            var seen: [String: SourceLocation] = [:]
            for (key, value) in mapping {
                let k = try convert(key, file: file, options: options, depth: depth + 1, budget: &budget)
                if !options.allowMergeKeys, k.scalar == "<<", k.isPlainScalar {
                    throw Diagnostic(
                        "YAML merge keys ('<<') are not supported: repeat the keys, or alias the whole mapping", at: k.location)
                }
                if let text = k.scalar {
                    if seen[text] != nil {
                        throw Diagnostic("'\(text)' is already defined", at: k.location)
                    }
                    seen[text] = k.location
                }
                pairs.append((k, try convert(value, file: file, options: options, depth: depth + 1, budget: &budget)))
            }
            return YAMLNode(.mapping(pairs), at: loc, explicitTag: explicitTag(mapping.tag))
        case .sequence(let sequence):
            if !options.allowAnchors, sequence.anchor != nil {
                throw Diagnostic("Anchors are not currently supported. Remove the anchor", at: loc)
            }
            var items: [YAMLNode] = []
            for item in sequence { items.append(try convert(item, file: file, options: options, depth: depth + 1, budget: &budget)) }
            return YAMLNode(.sequence(items), at: loc, explicitTag: explicitTag(sequence.tag))
        case .alias(let alias):
            if !options.allowAnchors {
                throw Diagnostic("Anchors are not currently supported. Remove the anchor", at: loc)
            }
            _ = alias
            throw Diagnostic("YAML aliases are not supported here", at: loc)
        }
    }
}
