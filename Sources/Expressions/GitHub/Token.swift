/// A lexical token of a GitHub expression.
struct Token: Sendable {
    enum Kind: Sendable, Equatable {
        case startGroup, endGroup, startIndex, endIndex, separator, dereference, wildcard
        case not, and, or
        case equal, notEqual, less, lessOrEqual, greater, greaterOrEqual
        case boolean(Bool)
        case null
        case number(Double)
        case string(String)
        case namedValue, function, propertyName
        case unexpected
    }

    let kind: Kind
    let raw: String
    /// Offset in UTF-16 code units.
    let offset: Int

    var isLogicalOperator: Bool {
        switch kind {
        case .not, .and, .or, .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual: true
        default: false
        }
    }
}
