/// The lexemes of GitLab's `rules:if` language (gitlabhq `Gitlab::Ci::Pipeline::Expression::Lexeme`).
enum GitLabRuleToken: Sendable, Hashable {
    case variable(String)
    case string(String)
    case null
    case pattern(source: String, flags: String)
    case equals, notEquals, matches, notMatches, and, or
    case open, close

    struct Located: Sendable, Hashable {
        var token: GitLabRuleToken
        var column: Int
    }

    /// Splits `text` into lexemes; anything else (including `${VAR}`, `!`, numbers, `true`) is a syntax error.
    static func tokenize(_ text: String) throws(GitLabRuleError) -> [Located] {
        let characters = Array(text)
        var index = 0
        var tokens: [Located] = []
        func peek(_ offset: Int = 0) -> Character? {
            index + offset < characters.count ? characters[index + offset] : nil
        }
        while index < characters.count {
            let start = index
            let character = characters[index]
            if character == " " || character == "\t" || character == "\n" || character == "\r" {
                index += 1
                continue
            }
            let two = peek(1).map { String([character, $0]) } ?? ""
            switch (character, two) {
            case (_, "=="):
                tokens.append(.init(token: .equals, column: start + 1))
                index += 2
            case (_, "!="):
                tokens.append(.init(token: .notEquals, column: start + 1))
                index += 2
            case (_, "=~"):
                tokens.append(.init(token: .matches, column: start + 1))
                index += 2
            case (_, "!~"):
                tokens.append(.init(token: .notMatches, column: start + 1))
                index += 2
            case (_, "&&"):
                tokens.append(.init(token: .and, column: start + 1))
                index += 2
            case (_, "||"):
                tokens.append(.init(token: .or, column: start + 1))
                index += 2
            case ("(", _):
                tokens.append(.init(token: .open, column: start + 1))
                index += 1
            case (")", _):
                tokens.append(.init(token: .close, column: start + 1))
                index += 1
            case ("$", _):
                var end = index + 1
                while end < characters.count, characters[end].isASCII,
                    characters[end].isLetter || characters[end].isNumber || characters[end] == "_"
                {
                    end += 1
                }
                guard end > index + 1, let first = peek(1), !first.isNumber else {
                    throw GitLabRuleError(
                        message: "invalid expression syntax: a variable is `$NAME`; `${NAME}` is not allowed in rules:if", column: start + 1
                    )
                }
                tokens.append(.init(token: .variable(String(characters[(index + 1)..<end])), column: start + 1))
                index = end
            case ("\"", _), ("'", _):
                guard let close = characters[(index + 1)...].firstIndex(of: character) else {
                    throw GitLabRuleError(message: "invalid expression syntax: unterminated string", column: start + 1)
                }
                tokens.append(.init(token: .string(String(characters[(index + 1)..<close])), column: start + 1))
                index = close + 1
            case ("/", _):
                guard let (source, flags, end) = pattern(characters, from: index) else {
                    throw GitLabRuleError(message: "invalid expression syntax: unterminated regular expression", column: start + 1)
                }
                tokens.append(.init(token: .pattern(source: source, flags: flags), column: start + 1))
                index = end
            default:
                if String(characters[index...]).hasPrefix("null"),
                    characters.count == index + 4
                        || !(characters[index + 4].isLetter || characters[index + 4].isNumber || characters[index + 4] == "_")
                {
                    tokens.append(.init(token: .null, column: start + 1))
                    index += 4
                } else {
                    throw GitLabRuleError(message: "invalid expression syntax: unexpected '\(character)'", column: start + 1)
                }
            }
        }
        return tokens
    }

    /// `/source/flags` starting at `start`: the body runs to the first unescaped `/`; flags are `i`, `m`, `s`, `x`, `U`.
    static func pattern(_ characters: [Character], from start: Int) -> (String, String, Int)? {
        var index = start + 1
        var source = ""
        while index < characters.count {
            let character = characters[index]
            if character == "\\", index + 1 < characters.count {
                source.append(character)
                source.append(characters[index + 1])
                index += 2
                continue
            }
            if character == "/" {
                guard !source.isEmpty else { return nil }
                var end = index + 1
                var flags = ""
                while end < characters.count, "ismxU".contains(characters[end]) {
                    flags.append(characters[end])
                    end += 1
                }
                return (source, flags, end)
            }
            source.append(character)
            index += 1
        }
        return nil
    }
}
