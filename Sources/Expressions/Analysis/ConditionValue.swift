/// A value inside an analysis condition: what a metric provider returned, or what the condition computed from it.
public enum ConditionValue: Sendable, Hashable, CustomStringConvertible {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case list([ConditionValue])

    public var description: String {
        switch self {
        case .null: "nil"
        case .bool(let value): String(value)
        case .number(let value): Self.format(value)
        case .string(let text): "\"\(text)\""
        case .list(let items): "[" + items.map(\.description).joined(separator: ", ") + "]"
        }
    }

    /// Numbers as a person reads them: `0.95`, `12`, `NaN`.
    public static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return String(value)
    }

    var typeName: String {
        switch self {
        case .null: "nil"
        case .bool: "bool"
        case .number: "float64"
        case .string: "string"
        case .list: "[]float64"
        }
    }
}
