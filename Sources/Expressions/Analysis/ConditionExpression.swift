/// A metric's `successCondition` or `failureCondition`, in the subset of the expr language Argo Rollouts uses:
/// `result[0] >= 0.95`, `len(result) == 0 || result[0] < 500`, `isNaN(result[0]) or result[0] > 0.9`,
/// `default(result, 0) >= 1`. Parsed once when a template is loaded, so a typo fails there, not mid-release.
public struct ConditionExpression: Sendable, Hashable, CustomStringConvertible {
    indirect enum Node: Sendable, Hashable {
        case literal(ConditionValue)
        case variable(String, column: Int)
        case index(Node, Node, column: Int)
        case call(String, [Node], column: Int)
        case unary(String, Node, column: Int)
        case binary(String, Node, Node, column: Int)
    }

    public let text: String
    let root: Node

    /// Functions a condition may call.
    public static let functions: Set<String> = ["len", "isNaN", "isInf", "default", "asInt", "asFloat", "abs", "min", "max"]

    public init(_ text: String) throws(ConditionError) {
        self.text = text
        var parser = ConditionParser(text)
        root = try parser.parseAll()
    }

    public var description: String { text }

    /// The variables the condition reads (`result`, or names a template passes in).
    public var variables: Set<String> {
        var names: Set<String> = []
        func visit(_ node: Node) {
            switch node {
            case .literal: break
            case .variable(let name, _): names.insert(name)
            case .index(let base, let index, _):
                visit(base)
                visit(index)
            case .call(_, let arguments, _): arguments.forEach(visit)
            case .unary(_, let operand, _): visit(operand)
            case .binary(_, let left, let right, _):
                visit(left)
                visit(right)
            }
        }
        visit(root)
        return names
    }

    /// Evaluates to true or false; anything else, or a failed step, throws.
    public func isTrue(with variables: [String: ConditionValue]) throws(ConditionError) -> Bool {
        let value = try evaluate(root, variables)
        guard case .bool(let truth) = value else {
            throw ConditionError("condition evaluated to \(value.typeName) \(value), expected bool")
        }
        return truth
    }

    private func evaluate(_ node: Node, _ variables: [String: ConditionValue]) throws(ConditionError) -> ConditionValue {
        switch node {
        case .literal(let value):
            return value
        case .variable(let name, let column):
            guard let value = variables[name] else { throw ConditionError("unknown name \(name)", column: column) }
            return value
        case .index(let baseNode, let indexNode, let column):
            let base = try evaluate(baseNode, variables)
            let index = try evaluate(indexNode, variables)
            guard case .list(let items) = base else {
                if base == .null { throw ConditionError("metric result is nil or empty", column: column) }
                throw ConditionError("cannot index \(base.typeName)", column: column)
            }
            guard case .number(let position) = index, position == position.rounded() else {
                throw ConditionError("index must be an integer, got \(index)", column: column)
            }
            let offset = position < 0 ? items.count + Int(position) : Int(position)
            guard items.indices.contains(offset) else {
                throw ConditionError(
                    items.isEmpty ? "metric result is nil or empty" : "index out of range: \(Int(position)) (length \(items.count))",
                    column: column)
            }
            return items[offset]
        case .call(let name, let argumentNodes, let column):
            var arguments: [ConditionValue] = []
            for argument in argumentNodes { arguments.append(try evaluate(argument, variables)) }
            return try call(name, arguments, column: column)
        case .unary(let op, let operandNode, let column):
            let operand = try evaluate(operandNode, variables)
            switch (op, operand) {
            case ("!", .bool(let value)): return .bool(!value)
            case ("-", .number(let value)): return .number(-value)
            default: throw ConditionError("invalid operation: \(op) \(operand.typeName)", column: column)
            }
        case .binary(let op, let leftNode, let rightNode, let column):
            let left = try evaluate(leftNode, variables)
            // && and || short-circuit, so `len(result) == 0 || result[0] > 1` never indexes an empty result.
            if op == "&&" || op == "||" {
                guard case .bool(let lhs) = left else {
                    throw ConditionError("invalid operation: \(left.typeName) \(op) …", column: column)
                }
                if op == "&&" && !lhs { return .bool(false) }
                if op == "||" && lhs { return .bool(true) }
                let right = try evaluate(rightNode, variables)
                guard case .bool(let rhs) = right else {
                    throw ConditionError("invalid operation: bool \(op) \(right.typeName)", column: column)
                }
                return .bool(rhs)
            }
            let right = try evaluate(rightNode, variables)
            return try binary(op, left, right, column: column)
        }
    }

    private func binary(_ op: String, _ left: ConditionValue, _ right: ConditionValue, column: Int) throws(ConditionError) -> ConditionValue
    {
        switch (left, right) {
        case (.number(let a), .number(let b)):
            switch op {
            case "+": return .number(a + b)
            case "-": return .number(a - b)
            case "*": return .number(a * b)
            case "/": return .number(a / b)
            case "%":
                guard b != 0 else { throw ConditionError("integer divide by zero", column: column) }
                return .number(a.truncatingRemainder(dividingBy: b))
            case "<": return .bool(a < b)
            case "<=": return .bool(a <= b)
            case ">": return .bool(a > b)
            case ">=": return .bool(a >= b)
            case "==": return .bool(a == b)
            case "!=": return .bool(a != b)
            default: break
            }
        case (.string(let a), .string(let b)):
            switch op {
            case "+": return .string(a + b)
            case "==": return .bool(a == b)
            case "!=": return .bool(a != b)
            case "<": return .bool(a < b)
            case ">": return .bool(a > b)
            default: break
            }
        default:
            if op == "==" { return .bool(left == right) }
            if op == "!=" { return .bool(left != right) }
        }
        throw ConditionError("invalid operation: \(left.typeName) \(op) \(right.typeName)", column: column)
    }

    private func call(_ name: String, _ arguments: [ConditionValue], column: Int) throws(ConditionError) -> ConditionValue {
        func arity(_ count: Int) throws(ConditionError) {
            guard arguments.count == count else {
                throw ConditionError("\(name) takes \(count) argument\(count == 1 ? "" : "s"), got \(arguments.count)", column: column)
            }
        }
        func number(_ value: ConditionValue) throws(ConditionError) -> Double {
            switch value {
            case .number(let number): return number
            case .list(let items) where items.count == 1:
                if case .number(let number) = items[0] { return number }
            case .string(let text):
                if let number = Double(text) { return number }
            default: break
            }
            throw ConditionError("\(name) expects a number, got \(value.typeName) \(value)", column: column)
        }
        switch name {
        case "len":
            try arity(1)
            switch arguments[0] {
            case .list(let items): return .number(Double(items.count))
            case .string(let text): return .number(Double(text.count))
            case .null: return .number(0)
            default: throw ConditionError("invalid argument for len (type \(arguments[0].typeName))", column: column)
            }
        case "isNaN":
            try arity(1)
            return .bool(try number(arguments[0]).isNaN)
        case "isInf":
            guard arguments.count == 1 || arguments.count == 2 else {
                try arity(1)
                return .null
            }
            let value = try number(arguments[0])
            let sign = arguments.count == 2 ? try number(arguments[1]) : 0
            return .bool(value.isInfinite && (sign == 0 || (sign > 0) == (value > 0)))
        case "default":
            try arity(2)
            switch arguments[0] {
            case .null: return arguments[1]
            case .list(let items) where items.isEmpty: return arguments[1]
            default: return arguments[0]
            }
        case "asInt":
            try arity(1)
            return .number(try number(arguments[0]).rounded(.towardZero))
        case "asFloat":
            try arity(1)
            return .number(try number(arguments[0]))
        case "abs":
            try arity(1)
            return .number(abs(try number(arguments[0])))
        case "min", "max":
            var values: [Double] = []
            for argument in arguments {
                if case .list(let items) = argument {
                    for item in items { values.append(try number(item)) }
                } else {
                    values.append(try number(argument))
                }
            }
            guard let first = values.first else { throw ConditionError("\(name) of nothing", column: column) }
            return .number(values.dropFirst().reduce(first) { name == "min" ? Swift.min($0, $1) : Swift.max($0, $1) })
        default:
            throw ConditionError("unknown function \(name)", column: column)
        }
    }
}
