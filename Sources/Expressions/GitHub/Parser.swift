/// Recursive-descent parser for GitHub expressions.
///
/// Precedence, high to low: grouping/index/dereference, `!`, `< <= > >=`, `== !=`, `&&`, `||`;
/// comparisons are left-associative and `&&`/`||` chains are n-ary. A tree deeper than 50 levels is rejected.
struct Parser {
    static let maxDepth = 50

    let expression: String
    let tokens: [Token]
    let namedValues: Set<String>?
    let functions: [String: FunctionSignature]
    var position = 0
    var nesting = 0

    init(expression: String, namedValues: Set<String>?, functions: [String: FunctionSignature]) {
        self.expression = expression
        self.tokens = Lexer.tokenize(expression)
        self.namedValues = namedValues
        self.functions = functions
    }

    /// A node and its height, tracked while building so an over-deep tree is rejected before recursion grows.
    struct Built {
        let node: ExpressionNode
        let height: Int
    }

    mutating func parse() throws(ExpressionError) -> ExpressionNode {
        // An empty expression evaluates to null; templates reject empty `${{ }}` separately.
        guard !tokens.isEmpty else { return .literal(.null) }
        let built = try parseOr()
        if position < tokens.count {
            throw unexpected(tokens[position])
        }
        return built.node
    }

    // MARK: - Errors

    func error(_ kind: ExpressionError.Kind, _ message: String, _ token: Token) -> ExpressionError {
        ExpressionError(kind: kind, message: message, offset: token.offset, expression: expression)
    }

    func unexpected(_ token: Token) -> ExpressionError {
        error(token.kind == .unexpected ? .lexing : .parsing, "Unexpected symbol: '\(token.raw)'", token)
    }

    func endOfExpression() -> ExpressionError {
        let last = tokens[tokens.count - 1]
        return error(.parsing, "Unexpected end of expression: '\(last.raw)'", last)
    }

    func depthExceeded() -> ExpressionError {
        ExpressionError(kind: .parsing, message: "Exceeded max expression depth \(Self.maxDepth)", expression: expression)
    }

    func node(_ node: ExpressionNode, children: [Built]) throws(ExpressionError) -> Built {
        let height = 1 + (children.map(\.height).max() ?? 0)
        if height > Self.maxDepth { throw depthExceeded() }
        return Built(node: node, height: height)
    }

    // MARK: - Token helpers

    var current: Token? { position < tokens.count ? tokens[position] : nil }

    mutating func require() throws(ExpressionError) -> Token {
        guard let token = current else { throw endOfExpression() }
        if token.kind == .unexpected { throw unexpected(token) }
        return token
    }

    // MARK: - Grammar

    mutating func parseOr() throws(ExpressionError) -> Built {
        var operands = [try parseAnd()]
        while current?.kind == .or {
            position += 1
            operands.append(try parseAnd())
        }
        if operands.count == 1 { return operands[0] }
        return try node(.or(operands.map(\.node)), children: operands)
    }

    mutating func parseAnd() throws(ExpressionError) -> Built {
        var operands = [try parseEquality()]
        while current?.kind == .and {
            position += 1
            operands.append(try parseEquality())
        }
        if operands.count == 1 { return operands[0] }
        return try node(.and(operands.map(\.node)), children: operands)
    }

    mutating func parseEquality() throws(ExpressionError) -> Built {
        var left = try parseComparison()
        while let token = current {
            let op: ExpressionNode.Comparison
            switch token.kind {
            case .equal: op = .equal
            case .notEqual: op = .notEqual
            default: return left
            }
            position += 1
            let right = try parseComparison()
            left = try node(.compare(op, left.node, right.node), children: [left, right])
        }
        return left
    }

    mutating func parseComparison() throws(ExpressionError) -> Built {
        var left = try parseUnary()
        while let token = current {
            let op: ExpressionNode.Comparison
            switch token.kind {
            case .less: op = .less
            case .lessOrEqual: op = .lessOrEqual
            case .greater: op = .greater
            case .greaterOrEqual: op = .greaterOrEqual
            default: return left
            }
            position += 1
            let right = try parseUnary()
            left = try node(.compare(op, left.node, right.node), children: [left, right])
        }
        return left
    }

    mutating func parseUnary() throws(ExpressionError) -> Built {
        let token = try require()
        if token.kind == .not {
            position += 1
            nesting += 1
            defer { nesting -= 1 }
            if nesting > Self.maxDepth * 4 { throw depthExceeded() }
            let operand = try parseUnary()
            return try node(.not(operand.node), children: [operand])
        }
        return try parsePostfix()
    }

    mutating func parsePostfix() throws(ExpressionError) -> Built {
        var target = try parsePrimary()
        while let token = current {
            switch token.kind {
            case .dereference:
                position += 1
                let name = try require()
                switch name.kind {
                case .propertyName:
                    position += 1
                    let key = Built(node: .literal(.string(name.raw)), height: 1)
                    target = try node(.index(target.node, key.node), children: [target, key])
                case .wildcard:
                    position += 1
                    target = try node(.index(target.node, .wildcard), children: [target, Built(node: .wildcard, height: 1)])
                default:
                    throw unexpected(name)
                }
            case .startIndex:
                position += 1
                let first = try require()
                let key: Built
                if first.kind == .wildcard {
                    position += 1
                    key = Built(node: .wildcard, height: 1)
                } else {
                    key = try nested { (p: inout Parser) throws(ExpressionError) in try p.parseOr() }
                }
                let close = try require()
                guard close.kind == .endIndex else { throw unexpected(close) }
                position += 1
                target = try node(.index(target.node, key.node), children: [target, key])
            default:
                return target
            }
        }
        return target
    }

    mutating func nested(_ body: (inout Parser) throws(ExpressionError) -> Built) throws(ExpressionError) -> Built {
        nesting += 1
        defer { nesting -= 1 }
        if nesting > Self.maxDepth * 4 { throw depthExceeded() }
        return try body(&self)
    }

    mutating func parsePrimary() throws(ExpressionError) -> Built {
        let token = try require()
        switch token.kind {
        case .boolean(let b):
            position += 1
            return Built(node: .literal(.bool(b)), height: 1)
        case .null:
            position += 1
            return Built(node: .literal(.null), height: 1)
        case .number(let n):
            position += 1
            return Built(node: .literal(.number(n)), height: 1)
        case .string(let s):
            position += 1
            return Built(node: .literal(.string(s)), height: 1)
        case .namedValue:
            if let namedValues, !namedValues.contains(token.raw.lowercased()) {
                throw error(.parsing, "Unrecognized named-value: '\(token.raw)'", token)
            }
            position += 1
            return Built(node: .namedValue(token.raw), height: 1)
        case .startGroup:
            position += 1
            let inner = try nested { (p: inout Parser) throws(ExpressionError) in try p.parseOr() }
            let close = try require()
            guard close.kind == .endGroup else { throw unexpected(close) }
            position += 1
            return inner
        case .function:
            return try parseCall(token)
        default:
            throw unexpected(token)
        }
    }

    mutating func parseCall(_ nameToken: Token) throws(ExpressionError) -> Built {
        guard let signature = functions[nameToken.raw.lowercased()] else {
            throw error(.parsing, "Unrecognized function: '\(nameToken.raw)'", nameToken)
        }
        position += 2  // name and '('
        var arguments: [Built] = []
        if current?.kind == .endGroup {
            position += 1
        } else {
            while true {
                arguments.append(try nested { (p: inout Parser) throws(ExpressionError) in try p.parseOr() })
                let next = try require()
                if next.kind == .separator {
                    position += 1
                    continue
                }
                if next.kind == .endGroup {
                    position += 1
                    break
                }
                throw unexpected(next)
            }
        }
        if arguments.count < signature.minArguments {
            throw error(.parsing, "Too few parameters supplied: '\(nameToken.raw)'", nameToken)
        }
        if arguments.count > signature.maxArguments {
            throw error(.parsing, "Too many parameters supplied: '\(nameToken.raw)'", nameToken)
        }
        if signature.name == "case", arguments.count % 2 == 0 {
            throw error(.parsing, "Even number of parameters supplied, requires an odd number of parameters: '\(nameToken.raw)'", nameToken)
        }
        return try node(.call(signature.name, arguments.map(\.node)), children: arguments)
    }
}
