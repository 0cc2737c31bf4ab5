import Core
import Expressions

/// A workflow value that may embed `${{ expr }}` segments.
///
/// A scalar that is exactly one `${{ }}` keeps the expression's type (so `${{ fromJSON('[1]') }}` is an array);
/// anything else is interpolated into a string.
public struct TemplateString: Sendable {
    public enum Segment: Sendable {
        case literal(String)
        case expression(Expression)
    }

    public let segments: [Segment]
    public let source: String

    /// Parses the `${{ }}` segments in `text`; the closing `}}` is searched outside single-quoted strings.
    public init(
        _ text: String, namedValues: Set<String>?, hostFunctions: [FunctionSignature] = FunctionSignature.statusFunctions + [.hashFiles]
    ) throws(ExpressionError) {
        source = text
        var segments: [Segment] = []
        let scalars = Array(text.unicodeScalars)
        var literal = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            if scalars[i] == "$", i + 2 < scalars.count, scalars[i + 1] == "{", scalars[i + 2] == "{" {
                var j = i + 3
                var inString = false
                var close: Int?
                while j < scalars.count {
                    let c = scalars[j]
                    if c == "'" { inString.toggle() }
                    if !inString, c == "}", j + 1 < scalars.count, scalars[j + 1] == "}" {
                        close = j
                        break
                    }
                    j += 1
                }
                guard let close else {
                    throw ExpressionError(
                        kind: .parsing,
                        message:
                            "The expression is not closed. An unescaped ${{ sequence was found, but the closing }} sequence was not found.",
                        expression: text)
                }
                let inner = String(String.UnicodeScalarView(scalars[(i + 3)..<close]))
                if inner.allSatisfy({ $0.isWhitespace }) {
                    throw ExpressionError(kind: .parsing, message: "An expression was expected", expression: text)
                }
                if inner.trimmingCharacters(in: " \t\n\r") == "insert" {
                    throw ExpressionError(kind: .parsing, message: Self.insertNotAllowed, expression: text)
                }
                if !literal.isEmpty {
                    segments.append(.literal(String(literal)))
                    literal = String.UnicodeScalarView()
                }
                // GitHub parses the text between the braces without its surrounding blanks (positions in messages count so).
                let trimmed = inner.trimmingCharacters(in: " \t\n\r")
                segments.append(.expression(try Expression(trimmed, namedValues: namedValues, hostFunctions: hostFunctions)))
                i = close + 2
            } else {
                literal.append(scalars[i])
                i += 1
            }
        }
        if !literal.isEmpty { segments.append(.literal(String(literal))) }
        self.segments = segments
    }

    static let insertNotAllowed =
        "The directive 'insert' is not allowed in this context. Directives are not supported for expressions that are embedded within a "
        + "string. Directives are only supported when the entire value is an expression."

    /// True when the text contains at least one expression.
    public var hasExpressions: Bool {
        segments.contains { if case .expression = $0 { return true } else { return false } }
    }

    public func evaluate(in context: ExpressionContext) throws(ExpressionError) -> ExpressionValue {
        if segments.count == 1, case .expression(let expression) = segments[0] {
            return try expression.evaluate(in: context)
        }
        var out = ""
        for segment in segments {
            switch segment {
            case .literal(let text): out += text
            case .expression(let expression): out += try expression.evaluate(in: context).coercedString
            }
        }
        return .string(out)
    }
}
