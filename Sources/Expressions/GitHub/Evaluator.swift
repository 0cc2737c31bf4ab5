/// Evaluates an expression tree with GitHub's semantics.
struct Evaluator {
    /// GitHub's evaluator refuses to hold more than this many bytes of intermediate strings (UTF-16).
    static let maxMemoryBytes = 1_048_576

    let expression: String
    let context: ExpressionContext
    /// Bytes of strings built by functions during this evaluation; GitHub counts what the tree holds.
    let memory = MemoryCounter()

    final class MemoryCounter {
        var bytes = 0
    }

    func fail(_ message: String) -> ExpressionError {
        ExpressionError(kind: .evaluation, message: message, expression: expression)
    }

    func evaluate(_ node: ExpressionNode) throws(ExpressionError) -> ExpressionValue {
        switch node {
        case .literal(let value):
            return value
        case .namedValue(let name):
            return context[name] ?? .null
        case .wildcard:
            return .null
        case .not(let operand):
            return .bool(!(try evaluate(operand).isTruthy))
        case .and(let operands):
            var result = ExpressionValue.null
            for operand in operands {
                result = try evaluate(operand)
                if !result.isTruthy { return result }
            }
            return result
        case .or(let operands):
            var result = ExpressionValue.null
            for operand in operands {
                result = try evaluate(operand)
                if result.isTruthy { return result }
            }
            return result
        case .compare(let op, let l, let r):
            let left = try evaluate(l)
            let right = try evaluate(r)
            switch op {
            case .equal: return .bool(left.looselyEquals(right))
            case .notEqual: return .bool(!left.looselyEquals(right))
            case .less: return .bool((left.compareOrdered(right) ?? 0) < 0)
            case .lessOrEqual: return .bool(left.compareOrdered(right).map { $0 <= 0 } ?? false)
            case .greater: return .bool((left.compareOrdered(right) ?? 0) > 0)
            case .greaterOrEqual: return .bool(left.compareOrdered(right).map { $0 >= 0 } ?? false)
            }
        case .index(let targetNode, let keyNode):
            let target = try evaluate(targetNode)
            if case .wildcard = keyNode { return Self.wildcard(target) }
            return Self.index(target, try evaluate(keyNode))
        case .call(let name, let arguments):
            return try call(name, arguments)
        }
    }

    static func wildcard(_ target: ExpressionValue) -> ExpressionValue {
        switch target {
        case .array(let array):
            if array.isFiltered {
                var items: [ExpressionValue] = []
                for item in array.items {
                    switch item {
                    case .array(let inner): items.append(contentsOf: inner.items)
                    case .object(let inner): items.append(contentsOf: inner.values)
                    default: break
                    }
                }
                return .array(ExpressionArray(items, isFiltered: true))
            }
            return .array(ExpressionArray(array.items, isFiltered: true))
        case .object(let object):
            return .array(ExpressionArray(object.values, isFiltered: true))
        default:
            return .array(ExpressionArray([], isFiltered: true))
        }
    }

    static func integerIndex(_ key: ExpressionValue) -> Int? {
        let number = key.coercedNumber
        guard number.isFinite, number >= 0, number == number.rounded(.towardZero), number < Double(Int32.max) else { return nil }
        return Int(number)
    }

    static func index(_ target: ExpressionValue, _ key: ExpressionValue) -> ExpressionValue {
        switch target {
        case .array(let array) where array.isFiltered:
            var items: [ExpressionValue] = []
            for item in array.items {
                switch item {
                case .object(let object):
                    if key.isPrimitive, let value = object[key.coercedString] { items.append(value) }
                case .array(let inner):
                    if let position = integerIndex(key), position < inner.count { items.append(inner.items[position]) }
                default:
                    break
                }
            }
            return .array(ExpressionArray(items, isFiltered: true))
        case .array(let array):
            guard let position = integerIndex(key), position < array.count else { return .null }
            return array.items[position]
        case .object(let object):
            guard key.isPrimitive else { return .null }
            return object[key.coercedString] ?? .null
        default:
            return .null
        }
    }

    // MARK: - Functions

    func call(_ name: String, _ arguments: [ExpressionNode]) throws(ExpressionError) -> ExpressionValue {
        switch name {
        case "contains":
            let search = try evaluate(arguments[0])
            if search.isPrimitive {
                let item = try evaluate(arguments[1])
                return .bool(CaseFolding.contains(search.coercedString, item.coercedString))
            }
            guard case .array(let collection) = search, collection.count > 0 else { return .bool(false) }
            let item = try evaluate(arguments[1])
            return .bool(collection.items.contains { item.looselyEquals($0) })
        case "startsWith", "endsWith":
            let text = try evaluate(arguments[0])
            let affix = try evaluate(arguments[1])
            guard text.isPrimitive, affix.isPrimitive else { return .bool(false) }
            return .bool(
                name == "startsWith"
                    ? CaseFolding.hasPrefix(text.coercedString, affix.coercedString)
                    : CaseFolding.hasSuffix(text.coercedString, affix.coercedString))
        case "format":
            let format = try evaluate(arguments[0]).coercedString
            var values: [ExpressionValue] = []
            for argument in arguments.dropFirst() { values.append(try evaluate(argument)) }
            let result = try Self.format(format, values.map(\.coercedString), fail: fail)
            try checkMemory(result)
            return .string(result)
        case "join":
            let collection = try evaluate(arguments[0])
            var separator = ","
            if arguments.count > 1 {
                let value = try evaluate(arguments[1])
                if value.isPrimitive { separator = value.coercedString }
            }
            let result: String
            switch collection {
            case .array(let array): result = array.items.map(\.coercedString).joined(separator: separator)
            case .object: result = ""
            default: result = collection.coercedString
            }
            try checkMemory(result)
            return .string(result)
        case "toJSON":
            let value = try evaluate(arguments[0])
            let result = JSON.serialize(value)
            try checkMemory(result)
            return .string(result)
        case "fromJSON":
            let text = try evaluate(arguments[0]).coercedString
            do {
                return try JSON.parse(text)
            } catch {
                throw fail("Error parsing fromJson: \(error.description)")
            }
        case "case":
            var index = 0
            while index + 1 < arguments.count {
                let predicate = try evaluate(arguments[index])
                guard case .bool(let matched) = predicate else {
                    throw fail("case predicate must evaluate to a boolean value")
                }
                if matched { return try evaluate(arguments[index + 1]) }
                index += 2
            }
            return try evaluate(arguments[arguments.count - 1])
        default:
            guard let function = context.function(name) else {
                throw fail("Function '\(name)' is not available here")
            }
            var values: [ExpressionValue] = []
            for argument in arguments { values.append(try evaluate(argument)) }
            return try function(values)
        }
    }

    func checkMemory(_ result: String) throws(ExpressionError) {
        memory.bytes += result.utf16.count * 2
        if memory.bytes > Self.maxMemoryBytes { throw fail("The maximum allowed memory size was exceeded") }
    }

    /// .NET-style composite formatting limited to `{N}` placeholders and `{{`/`}}` escapes.
    static func format(_ format: String, _ arguments: [String], fail: (String) -> ExpressionError) throws(ExpressionError) -> String {
        let chars = Array(format.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "{" {
                if i + 1 < chars.count, chars[i + 1] == "{" {
                    out.append("{")
                    i += 2
                    continue
                }
                var j = i + 1
                var digits = ""
                while j < chars.count, chars[j].value >= 0x30, chars[j].value <= 0x39 {
                    digits.unicodeScalars.append(chars[j])
                    j += 1
                }
                guard !digits.isEmpty, j < chars.count, chars[j] == "}", let index = Int(digits) else {
                    throw fail("The following format string is invalid: \(format)")
                }
                guard index < arguments.count else {
                    throw fail("The following format string references more arguments than were supplied: \(format)")
                }
                out.append(contentsOf: arguments[index].unicodeScalars)
                i = j + 1
            } else if c == "}" {
                guard i + 1 < chars.count, chars[i + 1] == "}" else {
                    throw fail("The following format string is invalid: \(format)")
                }
                out.append("}")
                i += 2
            } else {
                out.append(c)
                i += 1
            }
        }
        return String(out)
    }
}
