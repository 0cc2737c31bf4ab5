/// An error from lexing, parsing or evaluating a GitHub expression, with GitHub's wording.
public struct ExpressionError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: String, Sendable {
        case lexing, parsing, evaluation
    }

    public let kind: Kind
    /// The message without location, e.g. `Unrecognized named-value: 'env'`.
    public let message: String
    /// 0-based offset in UTF-16 code units, when the error points at a token.
    public let offset: Int?
    public let expression: String

    public init(kind: Kind, message: String, offset: Int? = nil, expression: String) {
        self.kind = kind
        self.message = message
        self.offset = offset
        self.expression = expression
    }

    public var description: String {
        guard let offset else { return message }
        return "\(message). Located at position \(offset + 1) within expression: \(expression)"
    }
}
