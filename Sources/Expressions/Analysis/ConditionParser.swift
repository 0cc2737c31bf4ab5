/// Recursive descent over a condition's text, with expr's precedence: `or`/`||` < `and`/`&&` < comparisons <
/// `+ -` < `* / %` < unary `! not -` < indexing and calls.
struct ConditionParser {
    private enum Token: Equatable {
        case number(Double)
        case string(String)
        case identifier(String)
        case symbol(String)
        case end
    }

    private let text: [Character]
    private var offset = 0
    private var token: Token = .end
    private var tokenColumn = 1

    init(_ text: String) { self.text = Array(text) }

    mutating func parseAll() throws(ConditionError) -> ConditionExpression.Node {
        try advance()
        if token == .end { throw ConditionError("empty condition", column: 1) }
        let node = try parseOr()
        guard token == .end else { throw ConditionError("unexpected \(describe(token))", column: tokenColumn) }
        return node
    }

    private mutating func parseOr() throws(ConditionError) -> ConditionExpression.Node {
        var left = try parseAnd()
        while token == .symbol("||") || token == .identifier("or") {
            let column = tokenColumn
            try advance()
            left = .binary("||", left, try parseAnd(), column: column)
        }
        return left
    }

    private mutating func parseAnd() throws(ConditionError) -> ConditionExpression.Node {
        var left = try parseComparison()
        while token == .symbol("&&") || token == .identifier("and") {
            let column = tokenColumn
            try advance()
            left = .binary("&&", left, try parseComparison(), column: column)
        }
        return left
    }

    private mutating func parseComparison() throws(ConditionError) -> ConditionExpression.Node {
        var left = try parseAdditive()
        while case .symbol(let op) = token, ["==", "!=", "<", "<=", ">", ">="].contains(op) {
            let column = tokenColumn
            try advance()
            left = .binary(op, left, try parseAdditive(), column: column)
        }
        return left
    }

    private mutating func parseAdditive() throws(ConditionError) -> ConditionExpression.Node {
        var left = try parseMultiplicative()
        while case .symbol(let op) = token, op == "+" || op == "-" {
            let column = tokenColumn
            try advance()
            left = .binary(op, left, try parseMultiplicative(), column: column)
        }
        return left
    }

    private mutating func parseMultiplicative() throws(ConditionError) -> ConditionExpression.Node {
        var left = try parseUnary()
        while case .symbol(let op) = token, op == "*" || op == "/" || op == "%" {
            let column = tokenColumn
            try advance()
            left = .binary(op, left, try parseUnary(), column: column)
        }
        return left
    }

    private mutating func parseUnary() throws(ConditionError) -> ConditionExpression.Node {
        let column = tokenColumn
        if token == .symbol("!") || token == .identifier("not") {
            try advance()
            return .unary("!", try parseUnary(), column: column)
        }
        if token == .symbol("-") {
            try advance()
            return .unary("-", try parseUnary(), column: column)
        }
        return try parsePostfix()
    }

    private mutating func parsePostfix() throws(ConditionError) -> ConditionExpression.Node {
        var node = try parsePrimary()
        while token == .symbol("[") {
            let column = tokenColumn
            try advance()
            let index = try parseOr()
            try expect("]")
            node = .index(node, index, column: column)
        }
        return node
    }

    private mutating func parsePrimary() throws(ConditionError) -> ConditionExpression.Node {
        let column = tokenColumn
        switch token {
        case .number(let value):
            try advance()
            return .literal(.number(value))
        case .string(let value):
            try advance()
            return .literal(.string(value))
        case .identifier(let name):
            try advance()
            switch name {
            case "true": return .literal(.bool(true))
            case "false": return .literal(.bool(false))
            case "nil": return .literal(.null)
            case "NaN": return .literal(.number(.nan))
            default: break
            }
            guard token == .symbol("(") else { return .variable(name, column: column) }
            guard ConditionExpression.functions.contains(name) else {
                throw ConditionError("unknown function \(name)", column: column)
            }
            try advance()
            var arguments: [ConditionExpression.Node] = []
            if token != .symbol(")") {
                arguments.append(try parseOr())
                while token == .symbol(",") {
                    try advance()
                    arguments.append(try parseOr())
                }
            }
            try expect(")")
            return .call(name, arguments, column: column)
        case .symbol("("):
            try advance()
            let inner = try parseOr()
            try expect(")")
            return inner
        default:
            throw ConditionError("expected a value, found \(describe(token))", column: column)
        }
    }

    private mutating func expect(_ symbol: String) throws(ConditionError) {
        guard token == .symbol(symbol) else { throw ConditionError("expected \(symbol), found \(describe(token))", column: tokenColumn) }
        try advance()
    }

    private func describe(_ token: Token) -> String {
        switch token {
        case .number(let value): "number \(ConditionValue.format(value))"
        case .string(let text): "string \"\(text)\""
        case .identifier(let name): name
        case .symbol(let symbol): "'\(symbol)'"
        case .end: "end of condition"
        }
    }

    private mutating func advance() throws(ConditionError) {
        while offset < text.count, text[offset].isWhitespace { offset += 1 }
        tokenColumn = offset + 1
        guard offset < text.count else {
            token = .end
            return
        }
        let character = text[offset]
        if character.isNumber || (character == "." && offset + 1 < text.count && text[offset + 1].isNumber) {
            var end = offset
            while end < text.count, text[end].isNumber || text[end] == "." || text[end] == "_" { end += 1 }
            if end < text.count, text[end] == "e" || text[end] == "E" {
                end += 1
                if end < text.count, text[end] == "+" || text[end] == "-" { end += 1 }
                while end < text.count, text[end].isNumber { end += 1 }
            }
            let literal = String(text[offset..<end]).replacingUnderscores()
            guard let value = Double(literal) else { throw ConditionError("invalid number \(literal)", column: tokenColumn) }
            token = .number(value)
            offset = end
            return
        }
        if character.isLetter || character == "_" || character == "$" {
            var end = offset
            while end < text.count, text[end].isLetter || text[end].isNumber || text[end] == "_" || text[end] == "$" { end += 1 }
            token = .identifier(String(text[offset..<end]))
            offset = end
            return
        }
        if character == "\"" || character == "'" {
            var end = offset + 1
            var value = ""
            while end < text.count, text[end] != character {
                if text[end] == "\\", end + 1 < text.count { end += 1 }
                value.append(text[end])
                end += 1
            }
            guard end < text.count else { throw ConditionError("unterminated string", column: tokenColumn) }
            token = .string(value)
            offset = end + 1
            return
        }
        let two = offset + 1 < text.count ? String(text[offset...offset + 1]) : ""
        if ["==", "!=", "<=", ">=", "&&", "||"].contains(two) {
            token = .symbol(two)
            offset += 2
            return
        }
        if "+-*/%<>!()[],".contains(character) {
            token = .symbol(String(character))
            offset += 1
            return
        }
        throw ConditionError("unexpected character '\(character)'", column: tokenColumn)
    }
}

extension String {
    fileprivate func replacingUnderscores() -> String { filter { $0 != "_" } }
}
