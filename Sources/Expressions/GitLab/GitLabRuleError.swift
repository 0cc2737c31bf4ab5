/// Why a GitLab `rules:if` expression cannot be read or evaluated, with the column (1-based) where that was found.
public struct GitLabRuleError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var column: Int

    public var description: String { "\(message) (column \(column))" }
}
