import Foundation
import Expressions

/// Values behind the status functions at one point of a run.
struct StatusSnapshot: Sendable {
    var success: Bool
    var failure: Bool
    var cancelled: Bool

    func install(into context: inout ExpressionContext) {
        let s = success, f = failure, c = cancelled
        context.setFunction("success") { _ throws(ExpressionError) in .bool(s) }
        context.setFunction("failure") { _ throws(ExpressionError) in .bool(f) }
        context.setFunction("cancelled") { _ throws(ExpressionError) in .bool(c) }
        context.setFunction("always") { _ throws(ExpressionError) in .bool(true) }
    }
}

/// GitHub wraps a condition without status functions in `success() && (...)`.
func effectiveCondition(_ condition: String?) throws(ExpressionError) -> Expressions.Expression {
    guard let condition, !condition.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
        return try Expressions.Expression("success()")
    }
    let parsed = try Expressions.Expression(condition)
    if parsed.root.containsStatusFunction { return parsed }
    return try Expressions.Expression("success() && (\(condition))")
}
