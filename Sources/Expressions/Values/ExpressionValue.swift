/// A value produced or consumed by a GitHub Actions expression.
///
/// Arrays and objects are reference types because GitHub's `==` compares them by identity:
/// two distinct empty arrays are not equal, the same context object is.
public enum ExpressionValue: Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array(ExpressionArray)
    case object(ExpressionObject)

    /// The kind names used by GitHub's expression engine and its conformance data.
    public enum Kind: String, Sendable, Hashable {
        case null = "Null"
        case boolean = "Boolean"
        case number = "Number"
        case string = "String"
        case array = "Array"
        case object = "Object"
    }

    public var kind: Kind {
        switch self {
        case .null: .null
        case .bool: .boolean
        case .number: .number
        case .string: .string
        case .array: .array
        case .object: .object
        }
    }

    /// Null, Boolean, Number and String; the kinds that coerce to strings and numbers meaningfully.
    public var isPrimitive: Bool {
        switch self {
        case .array, .object: false
        default: true
        }
    }

    public static func array(_ items: [ExpressionValue]) -> ExpressionValue { .array(ExpressionArray(items)) }
    public static func object(_ pairs: [(String, ExpressionValue)]) -> ExpressionValue { .object(ExpressionObject(pairs)) }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }
    public var arrayValue: ExpressionArray? {
        if case .array(let a) = self { return a }
        return nil
    }
    public var objectValue: ExpressionObject? {
        if case .object(let o) = self { return o }
        return nil
    }
    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }
    public var numberValue: Double? {
        if case .number(let n) = self { return n }
        return nil
    }

    /// Looks up a property case-insensitively; null when this is not an object or the key is absent.
    public subscript(key: String) -> ExpressionValue {
        objectValue?[key] ?? .null
    }
}

/// An immutable array of expression values. `isFiltered` marks the result of a `.*` filter,
/// which keeps filtering through the following property accesses.
public final class ExpressionArray: Sendable {
    public let items: [ExpressionValue]
    public let isFiltered: Bool

    public init(_ items: [ExpressionValue], isFiltered: Bool = false) {
        self.items = items
        self.isFiltered = isFiltered
    }

    public var count: Int { items.count }
}

/// An immutable object with insertion-ordered keys and case-insensitive lookup, as in GitHub's contexts.
public final class ExpressionObject: Sendable {
    public let keys: [String]
    public let values: [ExpressionValue]
    private let index: [String: Int]

    public init(_ pairs: [(String, ExpressionValue)]) {
        var keys: [String] = []
        var values: [ExpressionValue] = []
        var index: [String: Int] = [:]
        keys.reserveCapacity(pairs.count)
        values.reserveCapacity(pairs.count)
        for (key, value) in pairs {
            let folded = CaseFolding.upper(key)
            if let existing = index[folded] {
                values[existing] = value
            } else {
                index[folded] = keys.count
                keys.append(key)
                values.append(value)
            }
        }
        self.keys = keys
        self.values = values
        self.index = index
    }

    public var count: Int { keys.count }
    public var pairs: [(String, ExpressionValue)] { Array(zip(keys, values)) }

    public subscript(key: String) -> ExpressionValue? {
        guard let position = index[CaseFolding.upper(key)] else { return nil }
        return values[position]
    }

    /// A copy with `key` set (replacing a case-insensitive match in place).
    public func setting(_ key: String, _ value: ExpressionValue) -> ExpressionObject {
        var pairs = self.pairs
        if let position = index[CaseFolding.upper(key)] {
            pairs[position].1 = value
        } else {
            pairs.append((key, value))
        }
        return ExpressionObject(pairs)
    }
}

extension ExpressionValue: Equatable {
    /// Structural equality, for tests and caches. Expression `==` semantics live in `looselyEquals`.
    public static func == (lhs: ExpressionValue, rhs: ExpressionValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.number(let a), .number(let b)): return a == b || (a.isNaN && b.isNaN)
        case (.string(let a), .string(let b)): return a == b
        case (.array(let a), .array(let b)): return a.items == b.items
        case (.object(let a), .object(let b)): return a.keys == b.keys && a.values == b.values
        default: return false
        }
    }
}

extension ExpressionValue: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByNilLiteral,
    ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(nilLiteral: ()) { self = .null }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(arrayLiteral elements: ExpressionValue...) { self = .array(ExpressionArray(elements)) }
    public init(dictionaryLiteral elements: (String, ExpressionValue)...) { self = .object(ExpressionObject(elements)) }
}
