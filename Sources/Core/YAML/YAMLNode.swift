/// A YAML node with its source position. Scalars keep their text and style so each consumer
/// decides how to type them; GitHub, for instance, must never read the key `on` as `true`.
public struct YAMLNode: Sendable, CustomStringConvertible {
    public enum ScalarStyle: Sendable, Hashable {
        case plain, singleQuoted, doubleQuoted, literal, folded
    }

    public indirect enum Content: Sendable {
        case scalar(String, ScalarStyle)
        case mapping([(key: YAMLNode, value: YAMLNode)])
        case sequence([YAMLNode])
    }

    public var content: Content
    public var location: SourceLocation
    /// An explicit tag such as `!!str`, when the author wrote one.
    public var explicitTag: String?

    public init(_ content: Content, at location: SourceLocation, explicitTag: String? = nil) {
        self.content = content
        self.location = location
        self.explicitTag = explicitTag
    }

    public var scalar: String? {
        if case .scalar(let text, _) = content { return text }
        return nil
    }

    public var mapping: [(key: YAMLNode, value: YAMLNode)]? {
        if case .mapping(let pairs) = content { return pairs }
        return nil
    }

    public var sequence: [YAMLNode]? {
        if case .sequence(let items) = content { return items }
        return nil
    }

    public var isPlainScalar: Bool {
        if case .scalar(_, .plain) = content { return true }
        return false
    }

    /// A plain `null`, `~` or empty scalar.
    public var isNull: Bool {
        guard case .scalar(let text, .plain) = content, explicitTag == nil else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(text)
    }

    /// Looks up a mapping key (exact, case-sensitive, as YAML is).
    public subscript(key: String) -> YAMLNode? {
        mapping?.first { $0.key.scalar == key }?.value
    }

    public var kindName: String {
        switch content {
        case .scalar: "scalar"
        case .mapping: "mapping"
        case .sequence: "sequence"
        }
    }

    public var description: String {
        switch content {
        case .scalar(let text, _): text
        case .mapping(let pairs): "{" + pairs.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}"
        case .sequence(let items): "[" + items.map(\.description).joined(separator: ", ") + "]"
        }
    }
}
