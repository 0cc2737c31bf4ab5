/// A Kubernetes object or part of one, as kustomize sees it after its YAML → JSON round trip:
/// JSON types only, numbers already re-typed (`1.0` is the integer `1`), dates already strings.
public enum ManifestValue: Sendable, Hashable {
    case null
    case bool(Bool)
    /// An integer that fits Int64 or UInt64, kept as its canonical decimal text.
    case integer(String)
    case float(Double)
    case string(String)
    case array([ManifestValue])
    case object([String: ManifestValue])

    public var string: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    public var object: [String: ManifestValue]? {
        if case .object(let fields) = self { return fields }
        return nil
    }

    public var array: [ManifestValue]? {
        if case .array(let items) = self { return items }
        return nil
    }

    /// True for everything but arrays and objects.
    public var isScalar: Bool {
        switch self {
        case .array, .object: false
        default: true
        }
    }

    /// Whether a null appears anywhere as a map's value.
    var containsNullField: Bool {
        switch self {
        case .object(let fields): fields.values.contains { $0.isNull || $0.containsNullField }
        case .array(let items): items.contains { $0.containsNullField }
        default: false
        }
    }

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    public subscript(key: String) -> ManifestValue? {
        get { object?[key] }
        set {
            guard case .object(var fields) = self else { return }
            fields[key] = newValue
            self = .object(fields)
        }
    }

    /// The value at a path of object keys, nil when any step is missing or not an object.
    public func value(at path: [String]) -> ManifestValue? {
        var current = self
        for key in path {
            guard let next = current.object?[key] else { return nil }
            current = next
        }
        return current
    }

    /// The JSON type name Go's decoder uses in its messages ("number", "bool", ...).
    public var jsonTypeName: String {
        switch self {
        case .null: "null"
        case .bool: "bool"
        case .integer, .float: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// A scalar's text as its YAML node holds it (`3`, `false`, `0.5`); nil for null, maps and lists.
    public var scalarText: String? {
        switch self {
        case .string(let text): text
        case .integer(let text): text
        case .bool(let flag): flag ? "true" : "false"
        case .float(let number): GoFloat.yamlText(number)
        case .null, .array, .object: nil
        }
    }
}
