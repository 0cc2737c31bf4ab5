import Core
import Expressions

/// Evaluation of YAML values that may contain expressions (env maps, `with:`, `matrix`, outputs).
public enum TemplateValue {
    /// Converts a YAML scalar to a typed value with GitHub's (YAML 1.2 core) rules; quoted scalars stay strings.
    public static func literal(_ node: YAMLNode) -> ExpressionValue {
        switch node.content {
        case .scalar(let text, let style):
            guard style == .plain else { return .string(text) }
            return typedPlainScalar(text)
        case .sequence(let items):
            return .array(ExpressionArray(items.map(literal)))
        case .mapping(let pairs):
            return .object(ExpressionObject(pairs.map { ($0.key.scalar ?? $0.key.description, literal($0.value)) }))
        }
    }

    public static func typedPlainScalar(_ text: String) -> ExpressionValue {
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .number(.infinity)
        case "-.inf", "-.Inf", "-.INF": return .number(-.infinity)
        case ".nan", ".NaN", ".NAN": return .number(.nan)
        default: break
        }
        if let number = yamlNumber(text) { return .number(number) }
        return .string(text)
    }

    static func yamlNumber(_ text: String) -> Double? {
        let bytes = Array(text.utf8)
        guard let first = bytes.first else { return nil }
        if text.hasPrefix("0x"), bytes.count > 2, let v = Int64(text.dropFirst(2), radix: 16) { return Double(v) }
        if text.hasPrefix("0o"), bytes.count > 2, let v = Int64(text.dropFirst(2), radix: 8) { return Double(v) }
        // YAML 1.2 core floats and ints are plain decimal syntax; words such as `Infinity` stay strings.
        let decimalCharacters = bytes.allSatisfy {
            ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2B || $0 == 0x2D || $0 == 0x2E || $0 == 0x65 || $0 == 0x45
        }
        guard decimalCharacters, first != 0x65, first != 0x45 else { return nil }
        return NumberSyntax.parseDecimal(text)
    }

    /// Evaluates a YAML value: scalars with `${{ }}` are evaluated, others typed; mappings and sequences recursively.
    public static func evaluate(_ node: YAMLNode, in context: ExpressionContext, namedValues: Set<String>? = nil) throws(Diagnostic)
        -> ExpressionValue
    {
        switch node.content {
        case .scalar(let text, _):
            guard text.contains("${{") else { return literal(node) }
            do {
                return try TemplateString(text, namedValues: namedValues).evaluate(in: context)
            } catch {
                throw Diagnostic(error.description, at: node.location)
            }
        case .sequence(let items):
            var values: [ExpressionValue] = []
            for item in items { values.append(try evaluate(item, in: context, namedValues: namedValues)) }
            return .array(ExpressionArray(values))
        case .mapping(let pairs):
            var object = ExpressionObject([])
            for pair in pairs {
                // `${{ insert }}` as a key merges the mapping its value evaluates to.
                if let key = pair.key.scalar, isInsertDirective(key) {
                    if case .object(let inserted) = try evaluate(pair.value, in: context, namedValues: namedValues) {
                        for (k, v) in inserted.pairs { object = object.setting(k, v) }
                    }
                    continue
                }
                let key = try evaluate(pair.key, in: context, namedValues: namedValues).coercedString
                object = object.setting(key, try evaluate(pair.value, in: context, namedValues: namedValues))
            }
            return .object(object)
        }
    }

    public static func isInsertDirective(_ key: String) -> Bool {
        let trimmed = key.filter { !$0.isWhitespace }
        return trimmed == "${{insert}}"
    }

    /// Evaluates a matrix: like `evaluate`, but a vector item that is an expression returning an array is spliced in.
    public static func evaluateMatrix(_ node: YAMLNode, in context: ExpressionContext) throws(Diagnostic) -> ExpressionValue {
        guard let pairs = node.mapping else { return try evaluate(node, in: context) }
        var object = ExpressionObject([])
        for pair in pairs {
            if let key = pair.key.scalar, isInsertDirective(key) {
                if case .object(let inserted) = try evaluate(pair.value, in: context) {
                    for (k, v) in inserted.pairs { object = object.setting(k, v) }
                }
                continue
            }
            let key = try evaluate(pair.key, in: context).coercedString
            if let items = pair.value.sequence, key != "include", key != "exclude" {
                var values: [ExpressionValue] = []
                for item in items {
                    let value = try evaluate(item, in: context)
                    if let text = item.scalar, text.contains("${{"), case .array(let spliced) = value {
                        values.append(contentsOf: spliced.items)
                    } else {
                        values.append(value)
                    }
                }
                object = object.setting(key, .array(ExpressionArray(values)))
            } else {
                object = object.setting(key, try evaluate(pair.value, in: context))
            }
        }
        return .object(object)
    }

    /// An optional setting such as `continue-on-error` or `cancel-in-progress`: false when absent or when it
    /// cannot be evaluated.
    public static func flag(_ node: YAMLNode?, in context: ExpressionContext) -> Bool {
        guard let node else { return false }
        return (try? evaluate(node, in: context).isTruthy) ?? false
    }

    /// An optional number such as `timeout-minutes`: `fallback` when absent or when it cannot be evaluated.
    public static func number(_ node: YAMLNode?, in context: ExpressionContext, fallback: Double) -> Double {
        guard let node else { return fallback }
        return (try? evaluate(node, in: context).coercedNumber) ?? fallback
    }

    /// Evaluates to a string (env values, `with:` inputs, step names).
    public static func string(_ node: YAMLNode, in context: ExpressionContext) throws(Diagnostic) -> String {
        let value = try evaluate(node, in: context)
        switch value {
        case .array, .object: return JSON.serialize(value)
        default: return value.coercedString
        }
    }
}
