/// Why an analysis condition could not be read or evaluated; `column` is 1-based within the condition's text.
public struct ConditionError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var column: Int?

    public init(_ message: String, column: Int? = nil) {
        self.message = message
        self.column = column
    }

    public var description: String {
        guard let column else { return message }
        return "\(message) (column \(column))"
    }
}
