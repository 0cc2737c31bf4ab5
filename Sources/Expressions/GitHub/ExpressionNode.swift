/// A node of a parsed GitHub expression.
public indirect enum ExpressionNode: Sendable {
    public enum Comparison: String, Sendable {
        case equal = "=="
        case notEqual = "!="
        case less = "<"
        case lessOrEqual = "<="
        case greater = ">"
        case greaterOrEqual = ">="
    }

    case literal(ExpressionValue)
    case namedValue(String)
    /// `[*]` or `.*` as the index of an `index` node.
    case wildcard
    case index(ExpressionNode, ExpressionNode)
    case not(ExpressionNode)
    case and([ExpressionNode])
    case or([ExpressionNode])
    case compare(Comparison, ExpressionNode, ExpressionNode)
    /// A function call; the name is the canonical spelling from its signature.
    case call(String, [ExpressionNode])

    /// Whether a status function (`success`, `failure`, `always`, `cancelled`) appears anywhere,
    /// which decides whether GitHub wraps an `if:` in an implicit `success() && (...)`.
    public var containsStatusFunction: Bool {
        switch self {
        case .literal, .namedValue, .wildcard: false
        case .index(let a, let b): a.containsStatusFunction || b.containsStatusFunction
        case .not(let a): a.containsStatusFunction
        case .and(let items), .or(let items): items.contains { $0.containsStatusFunction }
        case .compare(_, let a, let b): a.containsStatusFunction || b.containsStatusFunction
        case .call(let name, let args):
            FunctionSignature.statusFunctionNames.contains(name.lowercased()) || args.contains { $0.containsStatusFunction }
        }
    }
}
