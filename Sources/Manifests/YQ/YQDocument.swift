import Core
import Foundation

/// One YAML document that yq expressions read and edit. Edits change the text at the nodes' positions only (a
/// value replaced where it stands, a missing key inserted under its mapping at the mapping's indentation), so
/// comments, key order and quoting elsewhere stay as written.
public struct YQDocument: Sendable {
    public private(set) var text: String

    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    public init(_ text: String) { self.text = text }

    /// What evaluating an expression gives: the document (after assignments) or the nodes a path reads.
    public enum Output: Sendable {
        case document(String)
        case value(String)
    }

    public mutating func evaluate(_ expression: YQExpression, environment: [String: String]) throws(Failure) -> Output {
        let focus = try apply(expression, base: [], environment: environment)
        guard let focus else { return .document(text) }
        return .value(try render(focus))
    }

    /// Applies the expression relative to `base`; answers the path now in focus (nil: the whole document).
    private mutating func apply(_ expression: YQExpression, base: [YQPathComponent], environment: [String: String]) throws(Failure)
        -> [YQPathComponent]?
    {
        switch expression {
        case .path(let components): return base + components
        case .assign(let components, let source):
            let value: YQScalar
            switch source {
            case .literal(let literal): value = literal
            case .strenv(let name): value = .string(environment[name] ?? "")
            case .env(let name):
                let raw = environment[name] ?? ""
                value = Double(raw) != nil ? .number(raw) : raw == "true" || raw == "false" ? .bool(raw == "true") : .string(raw)
            case .path(let other):
                guard let node = try root().flatMap({ Self.lookup($0, base + other) }), let scalar = node.scalar, !node.isNull else {
                    value = .null
                    break
                }
                value = .string(scalar)
            }
            try set(base + components, value)
            return base.isEmpty ? nil : base
        case .pipe(let left, let right):
            let focus = try apply(left, base: base, environment: environment)
            return try apply(right, base: focus ?? base, environment: environment)
        }
    }

    func root() throws(Failure) -> YAMLNode? {
        do { return try YAMLDocument.parse(text, file: "-") } catch { throw Failure(description: "yq: \(error.description)") }
    }

    static func lookup(_ node: YAMLNode, _ path: [YQPathComponent]) -> YAMLNode? {
        var current = node
        for component in path {
            switch component {
            case .key(let key):
                guard let next = current[key] else { return nil }
                current = next
            case .index(let index):
                guard let items = current.sequence, index < items.count else { return nil }
                current = items[index]
            }
        }
        return current
    }

    /// The value at `path` as yq prints it: a scalar's text, `null` for nothing, a collection's YAML.
    func render(_ path: [YQPathComponent]) throws(Failure) -> String {
        guard let root = try root(), let node = Self.lookup(root, path), !node.isNull else { return "null" }
        if let scalar = node.scalar { return scalar }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let first = node.location.line - 1
        let last = min(Self.lastLine(node, lines: lines), lines.count) - 1
        guard first >= 0, first <= last else { return "" }
        var slice = lines[first...last].map(String.init)
        // The first line starts at the node, not at the line's start.
        let offset = node.location.column - 1
        if offset > 0, let head = slice.first {
            slice[0] = String(repeating: " ", count: offset) + String(head.dropFirst(offset))
        }
        let indent = slice.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.map { $0.prefix { $0 == " " }.count }.min() ?? 0
        return slice.map { String($0.dropFirst(min(indent, $0.prefix { $0 == " " }.count))) }.joined(separator: "\n")
    }

    /// The last line (1-based) a node's text takes.
    static func lastLine(_ node: YAMLNode, lines: [Substring]) -> Int {
        switch node.content {
        case .scalar(let value, let style):
            switch style {
            case .literal, .folded:
                // The block runs while lines are blank or indented deeper than the line holding the indicator.
                let start = node.location.line
                let indicatorIndent = lines[start - 1].prefix { $0 == " " }.count
                var end = start
                var index = start
                while index < lines.count {
                    let line = lines[index]
                    if line.trimmingCharacters(in: .whitespaces).isEmpty {
                        index += 1
                        continue
                    }
                    guard line.prefix(while: { $0 == " " }).count > indicatorIndent else { break }
                    end = index + 1
                    index += 1
                }
                return end
            default:
                return node.location.line + value.filter { $0 == "\n" }.count
            }
        case .mapping(let pairs):
            return pairs.map { max($0.key.location.line, lastLine($0.value, lines: lines)) }.max() ?? node.location.line
        case .sequence(let items):
            return items.map { lastLine($0, lines: lines) }.max() ?? node.location.line
        }
    }

    /// Sets the scalar at `path`, creating missing mapping keys.
    mutating func set(_ path: [YQPathComponent], _ value: YQScalar) throws(Failure) {
        let rendered = Self.render(value)
        guard let root = try root(), root.mapping != nil || root.isNull || root.sequence != nil else {
            text = Self.block(path, rendered, indent: 0) + "\n" + (text.isEmpty ? "" : "")
            return
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // The deepest existing node on the path.
        var node = root
        var depth = 0
        while depth < path.count {
            let next: YAMLNode?
            switch path[depth] {
            case .key(let key): next = node[key]
            case .index(let index): next = node.sequence.flatMap { index < $0.count ? $0[index] : nil }
            }
            guard let next else { break }
            node = next
            depth += 1
        }
        if depth == path.count {
            guard node.scalar != nil, ![.literal, .folded].contains(Self.style(node)) else {
                throw Failure(
                    description: "yq (Slipway's subset): \(Self.describe(path)) holds a \(node.kindName); only scalars can be replaced")
            }
            let lineIndex = node.location.line - 1
            let line = Array(lines[lineIndex])
            let start = node.location.column - 1
            let end = Self.scalarEnd(line, from: start, node: node)
            lines[lineIndex] = String(line[..<start]) + rendered + String(line[end...])
            text = lines.joined(separator: "\n")
            return
        }
        guard case .key = path[depth] else {
            throw Failure(description: "yq (Slipway's subset): \(Self.describe(path)): adding sequence items is not supported")
        }
        let rest = Array(path[depth...])
        if rest.contains(where: { if case .index(let index) = $0 { return index != 0 } else { return false } }) {
            throw Failure(description: "yq (Slipway's subset): \(Self.describe(path)): only item 0 of a new sequence can be created")
        }
        if node.mapping != nil, Self.isFlow(node, lines: lines) {
            // `{a: b}` on one line: the new key goes before the closing brace, nested keys as flow mappings too.
            let lineIndex = node.location.line - 1
            let line = Array(lines[lineIndex])
            guard let close = Self.closingBrace(line, from: node.location.column - 1) else {
                throw Failure(description: "yq (Slipway's subset): \(Self.describe(path)): only one-line flow mappings can be extended")
            }
            let empty = line[(node.location.column)..<close].allSatisfy { $0 == " " }
            let insertion = (empty ? "" : ", ") + Self.flow(rest, rendered)
            lines[lineIndex] = String(line[..<close]) + insertion + String(line[close...])
        } else if node.mapping != nil, let firstKey = node.mapping?.first?.key {
            let indent = firstKey.location.column - 1
            let after = Self.lastLine(node, lines: lines[...].map { Substring($0) })
            lines.insert(Self.block(rest, rendered, indent: indent), at: after)
        } else if node.isNull {
            // `key:` with nothing (or `{}`): the new keys go below it, two spaces in.
            if depth == 0 {
                text = Self.block(rest, rendered, indent: 0) + "\n"
                return
            }
            let keyLine = node.location.line - 1
            var line = lines[keyLine]
            if node.isNull, node.location.line - 1 == keyLine, line.hasSuffix(" null") || line.hasSuffix(" ~") {
                line = String(line.dropLast(line.hasSuffix(" ~") ? 2 : 5))
            }
            lines[keyLine] = line.trimmingTrailingSpaces()
            let keyIndent = line.prefix { $0 == " " || $0 == "-" }.count
            lines.insert(Self.block(rest, rendered, indent: keyIndent + 2), at: keyLine + 1)
        } else {
            throw Failure(
                description: "yq (Slipway's subset): \(Self.describe(Array(path[..<depth]))) is a \(node.kindName), not a mapping")
        }
        text = lines.joined(separator: "\n")
    }

    /// Whether a mapping is written in flow style (`{…}`).
    static func isFlow(_ node: YAMLNode, lines: [String]) -> Bool {
        let line = Array(lines[node.location.line - 1])
        let index = node.location.column - 1
        return index < line.count && line[index] == "{"
    }

    /// The column of the `}` closing the flow mapping opened at `start` on the same line.
    static func closingBrace(_ line: [Character], from start: Int) -> Int? {
        var depth = 0
        var quote: Character?
        var index = start
        while index < line.count {
            let character = line[index]
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "{" || character == "[" {
                depth += 1
            } else if character == "}" || character == "]" {
                depth -= 1
                if depth == 0 { return character == "}" ? index : nil }
            }
            index += 1
        }
        return nil
    }

    /// `key: value`, or `key: {next: …}` for a longer path, as flow.
    static func flow(_ path: [YQPathComponent], _ rendered: String) -> String {
        guard let first = path.first else { return rendered }
        let inner = path.count == 1 ? rendered : "{\(flow(Array(path.dropFirst()), rendered))}"
        switch first {
        case .key(let key): return "\(renderKey(key)): \(inner)"
        case .index: return "[\(inner)]"
        }
    }

    static func style(_ node: YAMLNode) -> YAMLNode.ScalarStyle? {
        if case .scalar(_, let style) = node.content { return style }
        return nil
    }

    /// Where a scalar's source text ends on its line.
    static func scalarEnd(_ line: [Character], from start: Int, node: YAMLNode) -> Int {
        switch style(node) {
        case .doubleQuoted:
            var index = start + 1
            while index < line.count, line[index] != "\"" { index += line[index] == "\\" ? 2 : 1 }
            return min(index + 1, line.count)
        case .singleQuoted:
            var index = start + 1
            while index < line.count {
                if line[index] == "'" {
                    if index + 1 < line.count, line[index + 1] == "'" {
                        index += 2
                        continue
                    }
                    break
                }
                index += 1
            }
            return min(index + 1, line.count)
        default:
            return min(start + (node.scalar?.count ?? 0), line.count)
        }
    }

    /// Nested keys (and first sequence items) ending in the value, one per line, as yq creates a missing path.
    static func block(_ path: [YQPathComponent], _ rendered: String, indent: Int) -> String {
        blockLines(path[...], rendered, indent: indent).joined(separator: "\n")
    }

    static func blockLines(_ path: ArraySlice<YQPathComponent>, _ rendered: String, indent: Int) -> [String] {
        let pad = String(repeating: " ", count: indent)
        guard let first = path.first else { return [pad + rendered] }
        let rest = path.dropFirst()
        switch first {
        case .key(let key):
            if rest.isEmpty { return ["\(pad)\(renderKey(key)): \(rendered)"] }
            return ["\(pad)\(renderKey(key)):"] + blockLines(rest, rendered, indent: indent + 2)
        case .index:
            if rest.isEmpty { return ["\(pad)- \(rendered)"] }
            var inner = blockLines(rest, rendered, indent: indent + 2)
            inner[0] = pad + "- " + inner[0].dropFirst(indent + 2)
            return inner
        }
    }

    static func describe(_ path: [YQPathComponent]) -> String {
        path.isEmpty ? "." : path.map(\.description).joined()
    }

    static func renderKey(_ key: String) -> String {
        isPlainSafe(key) ? key : quoted(key)
    }

    /// A scalar as yq writes a new value: plain when YAML reads it back as the same string, else double-quoted.
    static func render(_ value: YQScalar) -> String {
        switch value {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let text): return text
        case .string(let text): return isPlainSafe(text) ? text : quoted(text)
        }
    }

    static func isPlainSafe(_ text: String) -> Bool {
        guard let first = text.first, !text.hasSuffix(" "), !text.hasPrefix(" ") else { return false }
        if "-?:,[]{}#&*!|>'\"%@`".contains(first) { return false }
        if text.contains(": ") || text.contains(" #") || text.hasSuffix(":") || text.contains("\n") || text.contains("\t") { return false }
        let resolved = ["true", "false", "yes", "no", "on", "off", "null", "~", "y", "n"]
        if resolved.contains(text.lowercased()) || Double(text) != nil { return false }
        return true
    }

    static func quoted(_ text: String) -> String {
        var result = "\""
        for character in text {
            switch character {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            default: result.append(character)
            }
        }
        return result + "\""
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var copy = self
        while copy.hasSuffix(" ") { copy.removeLast() }
        return copy
    }
}
