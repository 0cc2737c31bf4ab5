/// The part of mikefarah yq v4's expression language Slipway implements (it acts as `yq` for pipelines that use it):
/// paths (`.a.b[0]."c.d"`, `.["key"]`, `.`), assignments `PATH = VALUE` where VALUE is a string, number, boolean,
/// null, `env(NAME)`, `strenv(NAME)` or another path, and `|` between them. Anything else is refused by name.
public indirect enum YQExpression: Sendable, Hashable {
    case path([YQPathComponent])
    case assign([YQPathComponent], YQValueSource)
    case pipe(YQExpression, YQExpression)

    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    public static func parse(_ text: String) throws(ParseError) -> YQExpression {
        var parser = Parser(characters: Array(text), text: text)
        let expression = try parser.pipe()
        parser.skipSpaces()
        guard parser.index == parser.characters.count else { throw parser.unsupported() }
        return expression
    }

    struct Parser {
        let characters: [Character]
        let text: String
        var index = 0

        func unsupported() -> ParseError {
            ParseError(
                description:
                    "yq (Slipway's subset): '\(text)' is not supported at column \(index + 1): only paths (.a.b[0]), assignments (PATH = \"string\", a number, true, false, null, env(NAME), strenv(NAME) or a path) and | between them"
            )
        }

        mutating func skipSpaces() { while index < characters.count, characters[index] == " " { index += 1 } }

        mutating func pipe() throws(ParseError) -> YQExpression {
            var left = try assignment()
            skipSpaces()
            while index < characters.count, characters[index] == "|", index + 1 >= characters.count || characters[index + 1] != "=" {
                index += 1
                let right = try assignment()
                left = .pipe(left, right)
                skipSpaces()
            }
            return left
        }

        mutating func assignment() throws(ParseError) -> YQExpression {
            skipSpaces()
            let target = try path()
            skipSpaces()
            guard index < characters.count, characters[index] == "=" else { return .path(target) }
            guard index + 1 >= characters.count || characters[index + 1] != "=" else { throw unsupported() }
            index += 1
            skipSpaces()
            return .assign(target, try value())
        }

        mutating func path() throws(ParseError) -> [YQPathComponent] {
            guard index < characters.count, characters[index] == "." else { throw unsupported() }
            var components: [YQPathComponent] = []
            index += 1
            while index < characters.count {
                let character = characters[index]
                if character == "[" {
                    index += 1
                    skipSpaces()
                    if index < characters.count, characters[index] == "\"" {
                        components.append(.key(try quoted()))
                    } else {
                        var digits = ""
                        while index < characters.count, characters[index].isNumber || characters[index] == "-" {
                            digits.append(characters[index])
                            index += 1
                        }
                        guard let number = Int(digits), number >= 0 else { throw unsupported() }
                        components.append(.index(number))
                    }
                    skipSpaces()
                    guard index < characters.count, characters[index] == "]" else { throw unsupported() }
                    index += 1
                } else if character == "\"" {
                    components.append(.key(try quoted()))
                } else if character == "." {
                    index += 1
                } else if character.isLetter || character.isNumber || character == "_" || character == "-" || character == "$" {
                    var name = ""
                    while index < characters.count,
                        characters[index].isLetter || characters[index].isNumber || ["_", "-", "$"].contains(characters[index])
                    {
                        name.append(characters[index])
                        index += 1
                    }
                    components.append(.key(name))
                } else {
                    break
                }
            }
            return components
        }

        mutating func quoted() throws(ParseError) -> String {
            index += 1
            var result = ""
            while index < characters.count, characters[index] != "\"" {
                if characters[index] == "\\", index + 1 < characters.count {
                    index += 1
                    switch characters[index] {
                    case "n": result.append("\n")
                    case "t": result.append("\t")
                    default: result.append(characters[index])
                    }
                } else {
                    result.append(characters[index])
                }
                index += 1
            }
            guard index < characters.count else { throw unsupported() }
            index += 1
            return result
        }

        mutating func value() throws(ParseError) -> YQValueSource {
            guard index < characters.count else { throw unsupported() }
            if characters[index] == "\"" { return .literal(.string(try quoted())) }
            if characters[index] == "." { return .path(try path()) }
            var word = ""
            while index < characters.count, characters[index] != " ", characters[index] != "|", characters[index] != ")" {
                if characters[index] == "(" { break }
                word.append(characters[index])
                index += 1
            }
            if index < characters.count, characters[index] == "(", word == "env" || word == "strenv" {
                index += 1
                var name = ""
                while index < characters.count, characters[index] != ")" {
                    name.append(characters[index])
                    index += 1
                }
                guard index < characters.count, !name.isEmpty else { throw unsupported() }
                index += 1
                return word == "env" ? .env(name) : .strenv(name)
            }
            switch word {
            case "true": return .literal(.bool(true))
            case "false": return .literal(.bool(false))
            case "null", "~": return .literal(.null)
            default:
                guard !word.isEmpty, Double(word) != nil else { throw unsupported() }
                return .literal(.number(word))
            }
        }
    }
}

/// One step of a yq path.
public enum YQPathComponent: Sendable, Hashable, CustomStringConvertible {
    case key(String)
    case index(Int)

    public var description: String {
        switch self {
        case .key(let name): ".\(name)"
        case .index(let index): "[\(index)]"
        }
    }
}

/// The right side of an assignment.
public enum YQValueSource: Sendable, Hashable {
    case literal(YQScalar)
    /// `env(NAME)`: the variable's value read as YAML (a number stays a number).
    case env(String)
    /// `strenv(NAME)`: the variable's value as a string.
    case strenv(String)
    case path([YQPathComponent])
}

/// A scalar as yq writes it.
public enum YQScalar: Sendable, Hashable {
    case string(String)
    case number(String)
    case bool(Bool)
    case null
}
