/// A GitHub Actions filter pattern (`on.push.branches`, `tags`, `paths`):
/// `*` matches any run without `/`, `**` any run, `?` makes the preceding character optional,
/// `+` repeats it, `[...]` is a character class and `\` escapes. A leading `!` negates.
public struct FilterPattern: Sendable, Hashable, CustomStringConvertible {
    public let source: String
    public let isNegated: Bool
    private let regex: String

    public enum Failure: Error, CustomStringConvertible, Sendable {
        case invalid(String, reason: String)
        public var description: String {
            switch self {
            case .invalid(let pattern, let reason): "invalid filter pattern '\(pattern)': \(reason)"
            }
        }
    }

    public init(_ source: String) throws(Failure) {
        self.source = source
        var body = source[...]
        isNegated = body.hasPrefix("!")
        if isNegated { body = body.dropFirst() }
        regex = try Self.translate(String(body), original: source)
        do {
            _ = try Regex(regex)
        } catch {
            throw .invalid(source, reason: "\(error)")
        }
    }

    public var description: String { source }

    static func translate(_ pattern: String, original: String) throws(Failure) -> String {
        let chars = Array(pattern)
        var out = "^"
        var i = 0
        while i < chars.count {
            let c = chars[i]
            switch c {
            case "*":
                if i + 1 < chars.count, chars[i + 1] == "*" {
                    out += ".*"
                    i += 2
                    continue
                }
                out += "[^/]*"
            case "?", "+":
                guard i > 0 else { throw .invalid(original, reason: "'\(c)' must follow a character") }
                out.append(c)
            case "[":
                guard let close = chars[(i + 1)...].firstIndex(of: "]") else {
                    throw .invalid(original, reason: "unclosed '['")
                }
                var cls = "["
                for ch in chars[(i + 1)..<close] {
                    if ch == "\\" || ch == "[" || ch == "&" || ch == "~" { cls += "\\" }
                    cls.append(ch)
                }
                out += cls + "]"
                i = close
            case "\\":
                guard i + 1 < chars.count else { throw .invalid(original, reason: "trailing '\\'") }
                out += escape(chars[i + 1])
                i += 1
            default:
                out += escape(c)
            }
            i += 1
        }
        return out + "$"
    }

    static func escape(_ c: Character) -> String {
        "\\^$.|?*+()[]{}/-".contains(c) ? "\\\(c)" : String(c)
    }

    /// Whether `value` matches the pattern, ignoring negation.
    public func matchesBody(_ value: String) -> Bool {
        guard let compiled = try? Regex(regex) else { return false }
        return (try? compiled.wholeMatch(in: value)) != nil
    }

    /// GitHub's filter rule: patterns apply in order, a match of a positive pattern includes the value,
    /// a later match of a negated pattern excludes it again.
    public static func matches(_ patterns: [FilterPattern], _ value: String) -> Bool {
        var included = false
        for pattern in patterns where pattern.matchesBody(value) {
            included = !pattern.isNegated
        }
        return included
    }
}
