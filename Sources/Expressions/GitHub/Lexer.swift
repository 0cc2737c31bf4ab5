/// Splits an expression into tokens with GitHub's rules: a `.` is a number after nothing, `(`, `[`, `,`
/// or an operator and a dereference otherwise; keywords followed by `(` are functions; an unknown
/// symbol runs to the next token boundary and is reported whole.
struct Lexer {
    private let scalars: [Unicode.Scalar]
    private let utf16Offsets: [Int]
    private var index = 0
    private var last: Token?

    init(_ expression: String) {
        scalars = Array(expression.unicodeScalars)
        var offsets: [Int] = []
        offsets.reserveCapacity(scalars.count + 1)
        var offset = 0
        for scalar in scalars {
            offsets.append(offset)
            offset += UTF16.width(scalar)
        }
        offsets.append(offset)
        utf16Offsets = offsets
    }

    static func tokenize(_ expression: String) -> [Token] {
        var lexer = Lexer(expression)
        var tokens: [Token] = []
        while let token = lexer.next() { tokens.append(token) }
        return tokens
    }

    private func text(_ start: Int, _ end: Int) -> String {
        String(String.UnicodeScalarView(scalars[start..<end]))
    }

    private func make(_ kind: Token.Kind, _ start: Int, _ end: Int) -> Token {
        Token(kind: kind, raw: text(start, end), offset: utf16Offsets[start])
    }

    private static func isBoundary(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case "(", "[", ")", "]", ",", ".", "!", ">", "<", "=", "&", "|": true
        default: c.properties.isWhitespace
        }
    }

    static func isLegalKeyword(_ s: String) -> Bool {
        var first = true
        for b in s.utf8 {
            let letter = (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || b == 0x5F
            if first {
                guard letter else { return false }
                first = false
            } else if !(letter || (b >= 0x30 && b <= 0x39) || b == 0x2D) {
                return false
            }
        }
        return !first
    }

    mutating func next() -> Token? {
        while index < scalars.count, scalars[index].properties.isWhitespace { index += 1 }
        guard index < scalars.count else { return nil }
        let start = index
        let c = scalars[index]
        let token: Token
        switch c {
        case "[":
            index += 1
            token = make(.startIndex, start, index)
        case "]":
            index += 1
            token = make(.endIndex, start, index)
        case "(":
            index += 1
            token = make(.startGroup, start, index)
        case ")":
            index += 1
            token = make(.endGroup, start, index)
        case ",":
            index += 1
            token = make(.separator, start, index)
        case "*":
            index += 1
            token = make(.wildcard, start, index)
        case ".":
            if let last, !last.isLogicalOperator, ![.separator, .startGroup, .startIndex].contains(last.kind) {
                index += 1
                token = make(.dereference, start, index)
            } else {
                token = readNumber()
            }
        case "-", "+": token = readNumber()
        case "!":
            if peek(1) == "=" {
                index += 2
                token = make(.notEqual, start, index)
            } else {
                index += 1
                token = make(.not, start, index)
            }
        case ">":
            if peek(1) == "=" {
                index += 2
                token = make(.greaterOrEqual, start, index)
            } else {
                index += 1
                token = make(.greater, start, index)
            }
        case "<":
            if peek(1) == "=" {
                index += 2
                token = make(.lessOrEqual, start, index)
            } else {
                index += 1
                token = make(.less, start, index)
            }
        case "=":
            if peek(1) == "=" {
                index += 2
                token = make(.equal, start, index)
            } else {
                token = readUnknown()
            }
        case "&":
            if peek(1) == "&" {
                index += 2
                token = make(.and, start, index)
            } else {
                token = readUnknown()
            }
        case "|":
            if peek(1) == "|" {
                index += 2
                token = make(.or, start, index)
            } else {
                token = readUnknown()
            }
        case "'": token = readString()
        default:
            if c.value >= 0x30 && c.value <= 0x39 {
                token = readNumber()
            } else if c == "_" || c.properties.isAlphabetic {
                token = readKeyword()
            } else {
                token = readUnknown()
            }
        }
        last = token
        return token
    }

    private func peek(_ distance: Int) -> Unicode.Scalar? {
        index + distance < scalars.count ? scalars[index + distance] : nil
    }

    private mutating func readNumber() -> Token {
        let start = index
        index += 1
        while index < scalars.count, !Self.isBoundary(scalars[index]) || scalars[index] == "." { index += 1 }
        let raw = text(start, index)
        let value = NumberSyntax.parseLenient(raw)
        if value.isNaN && raw != "NaN" { return make(.unexpected, start, index) }
        return make(.number(value), start, index)
    }

    private mutating func readKeyword() -> Token {
        let start = index
        index += 1
        while index < scalars.count, !Self.isBoundary(scalars[index]) { index += 1 }
        let raw = text(start, index)
        guard Self.isLegalKeyword(raw) else { return make(.unexpected, start, index) }
        if last?.kind == .dereference { return make(.propertyName, start, index) }
        switch raw {
        case "true": return make(.boolean(true), start, index)
        case "false": return make(.boolean(false), start, index)
        case "null": return make(.null, start, index)
        case "NaN": return make(.number(.nan), start, index)
        case "Infinity": return make(.number(.infinity), start, index)
        default: break
        }
        var look = index
        while look < scalars.count, scalars[look].properties.isWhitespace { look += 1 }
        if look < scalars.count, scalars[look] == "(" { return make(.function, start, index) }
        return make(.namedValue, start, index)
    }

    private mutating func readString() -> Token {
        let start = index
        index += 1
        var value = String.UnicodeScalarView()
        var closed = false
        while index < scalars.count {
            let c = scalars[index]
            index += 1
            if c == "'" {
                if index >= scalars.count || scalars[index] != "'" {
                    closed = true
                    break
                }
                index += 1
            }
            value.append(c)
        }
        return closed ? make(.string(String(value)), start, index) : make(.unexpected, start, index)
    }

    private mutating func readUnknown() -> Token {
        let start = index
        index += 1
        while index < scalars.count, !Self.isBoundary(scalars[index]) { index += 1 }
        return make(.unexpected, start, index)
    }
}
