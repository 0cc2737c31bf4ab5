import Expressions
import Foundation

/// Values behind the status functions at one point of a run.
struct StatusSnapshot: Sendable {
    var success: Bool
    var failure: Bool
    var cancelled: Bool
    /// Results of the jobs a job-level `success('build')` / `failure('build')` may name (lower-cased ids).
    var jobResults: [String: Conclusion] = [:]

    func install(into context: inout ExpressionContext) {
        let s = success
        let f = failure
        let c = cancelled
        let results = jobResults
        // With arguments (job level only), the functions look at the named jobs instead of all needs.
        @Sendable func named(_ arguments: [ExpressionValue]) -> [Conclusion?] {
            arguments.map { results[$0.coercedString.lowercased()] }
        }
        context.setFunction("success") { arguments throws(ExpressionError) in
            arguments.isEmpty ? .bool(s) : .bool(!c && named(arguments).allSatisfy { $0 == .success })
        }
        context.setFunction("failure") { arguments throws(ExpressionError) in
            arguments.isEmpty ? .bool(f) : .bool(named(arguments).contains { $0 == .failure })
        }
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
