/// A GitLab `rules:if` expression (gitlabhq `Gitlab::Ci::Pipeline::Expression::Statement`): `$VAR`, strings, `null`,
/// `/regex/flags`, `==`, `!=`, `=~`, `!~`, `&&`, `||` and parentheses. `&&` binds tighter than `||`, comparisons tighter
/// than both. `&&`/`||` return an operand with Ruby's truthiness (only null and false are falsy, so `""` is truthy);
/// the rule as a whole matches when its value is `present?` (not null, false, or a blank string).
public struct GitLabRule: Sendable, Hashable, CustomStringConvertible {
    public let description: String
    let root: Node

    indirect enum Node: Sendable, Hashable {
        case variable(String)
        case string(String)
        case null
        case pattern(source: String, flags: String)
        case binary(GitLabRuleToken, Node, Node)
    }

    /// What an expression evaluates to.
    public enum Value: Sendable, Hashable {
        case null
        case string(String)
        case bool(Bool)
        case pattern(source: String, flags: String)

        /// Ruby truthiness, as `&&` and `||` use it.
        var isTruthy: Bool {
            switch self {
            case .null, .bool(false): false
            default: true
            }
        }

        /// Rails' `present?`, as the rule's final answer uses it.
        public var isPresent: Bool {
            switch self {
            case .null, .bool(false): false
            case .string(let text): !text.allSatisfy { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
            default: true
            }
        }
    }

    public init(_ text: String) throws(GitLabRuleError) {
        description = text
        var parser = Parser(tokens: try GitLabRuleToken.tokenize(text), endColumn: text.count + 1)
        guard !parser.tokens.isEmpty else {
            throw GitLabRuleError(message: "invalid expression syntax: the expression is empty", column: 1)
        }
        root = try parser.expression(minimum: 0)
        if let extra = parser.peek {
            throw GitLabRuleError(message: "invalid expression syntax: unexpected token", column: extra.column)
        }
    }

    /// The expression's value with `variables` (undefined names are null).
    public func evaluate(_ variables: [String: String]) throws(GitLabRuleError) -> Value {
        try Self.evaluate(root, variables)
    }

    /// Whether a rule with this `if:` matches.
    public func matches(_ variables: [String: String]) throws(GitLabRuleError) -> Bool {
        try evaluate(variables).isPresent
    }

    static func evaluate(_ node: Node, _ variables: [String: String]) throws(GitLabRuleError) -> Value {
        switch node {
        case .variable(let name): return variables[name].map(Value.string) ?? .null
        case .string(let text): return .string(text)
        case .null: return .null
        case .pattern(let source, let flags): return .pattern(source: source, flags: flags)
        case .binary(let op, let leftNode, let rightNode):
            let left = try evaluate(leftNode, variables)
            switch op {
            case .and: return left.isTruthy ? try evaluate(rightNode, variables) : left
            case .or: return left.isTruthy ? left : try evaluate(rightNode, variables)
            default: break
            }
            let right = try evaluate(rightNode, variables)
            switch op {
            case .equals: return .bool(left == right)
            case .notEquals: return .bool(left != right)
            case .matches, .notMatches:
                let found = try Self.match(left, right)
                return .bool(op == .matches ? found : !found)
            default: return .null
            }
        }
    }

    /// `left =~ right`: right is a regex literal or a variable holding one; an undefined side never matches.
    static func match(_ left: Value, _ right: Value) throws(GitLabRuleError) -> Bool {
        let source: String
        let flags: String
        switch right {
        case .null: return false
        case .pattern(let patternSource, let patternFlags): (source, flags) = (patternSource, patternFlags)
        case .string(let text):
            let characters = Array(text)
            guard characters.first == "/", let (patternSource, patternFlags, end) = GitLabRuleToken.pattern(characters, from: 0),
                end == characters.count
            else {
                throw GitLabRuleError(message: "invalid regular expression: '\(text)' (the right side of =~ must be /pattern/)", column: 1)
            }
            (source, flags) = (patternSource, patternFlags)
        case .bool:
            throw GitLabRuleError(message: "invalid regular expression: the right side of =~ must be /pattern/", column: 1)
        }
        guard case .string(let text) = left else { return false }
        let inline = flags.filter { "imsx".contains($0) }
        let unescaped = source.split(separator: "\\/", omittingEmptySubsequences: false).joined(separator: "/")
        do {
            let regex = try Regex(inline.isEmpty ? unescaped : "(?\(inline))" + unescaped)
            return text.contains(regex)
        } catch {
            throw GitLabRuleError(message: "invalid regular expression: /\(source)/\(flags)", column: 1)
        }
    }

    struct Parser {
        let tokens: [GitLabRuleToken.Located]
        /// Where errors found at the end of the text point.
        let endColumn: Int
        var position = 0

        var peek: GitLabRuleToken.Located? { position < tokens.count ? tokens[position] : nil }

        static func precedence(_ token: GitLabRuleToken) -> Int? {
            switch token {
            case .or: 1
            case .and: 2
            case .equals, .notEquals, .matches, .notMatches: 3
            default: nil
            }
        }

        mutating func expression(minimum: Int) throws(GitLabRuleError) -> Node {
            var left = try operand()
            while let next = peek, let precedence = Self.precedence(next.token), precedence > minimum {
                position += 1
                let right = try expression(minimum: precedence)
                left = .binary(next.token, left, right)
            }
            return left
        }

        mutating func operand() throws(GitLabRuleError) -> Node {
            guard let next = peek else {
                throw GitLabRuleError(
                    message: "invalid expression syntax: the expression ends where a value was expected",
                    column: endColumn)
            }
            position += 1
            switch next.token {
            case .variable(let name): return .variable(name)
            case .string(let text): return .string(text)
            case .null: return .null
            case .pattern(let source, let flags): return .pattern(source: source, flags: flags)
            case .open:
                let inner = try expression(minimum: 0)
                guard peek?.token == .close else {
                    throw GitLabRuleError(message: "invalid expression syntax: missing ')'", column: peek?.column ?? endColumn)
                }
                position += 1
                return inner
            default:
                throw GitLabRuleError(message: "invalid expression syntax: expected a value", column: next.column)
            }
        }
    }
}
