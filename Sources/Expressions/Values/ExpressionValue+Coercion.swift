#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension ExpressionValue {
    /// GitHub truthiness: `false`, `0`, `-0`, `NaN`, `''` and `null` are falsy; everything else,
    /// including `[]`, `{}` and `'false'`, is truthy.
    public var isTruthy: Bool {
        switch self {
        case .null: false
        case .bool(let b): b
        case .number(let n): n != 0 && !n.isNaN
        case .string(let s): !s.isEmpty
        case .array, .object: true
        }
    }

    /// Number coercion: null → 0, booleans → 1/0, strings parsed leniently, arrays and objects → NaN.
    public var coercedNumber: Double {
        switch self {
        case .null: 0
        case .bool(let b): b ? 1 : 0
        case .number(let n): n
        case .string(let s): NumberSyntax.parseLenient(s)
        case .array, .object: .nan
        }
    }

    /// String coercion as used by `format`, `join`, `contains` and string interpolation.
    public var coercedString: String {
        switch self {
        case .null: ""
        case .bool(let b): b ? "true" : "false"
        case .number(let n): NumberSyntax.format(n)
        case .string(let s): s
        case .array: "Array"
        case .object: "Object"
        }
    }

    /// Brings two values to a common kind the way GitHub's `CoerceTypes` does.
    static func coerce(_ left: ExpressionValue, _ right: ExpressionValue) -> (ExpressionValue, ExpressionValue) {
        var left = left
        var right = right
        // At most three rounds: booleans/null become numbers, then numbers meet strings.
        for _ in 0..<3 {
            let lk = left.kind
            let rk = right.kind
            if lk == rk { break }
            if lk == .number && rk == .string {
                right = .number(right.coercedNumber)
            } else if lk == .string && rk == .number {
                left = .number(left.coercedNumber)
            } else if lk == .boolean || lk == .null {
                left = .number(left.coercedNumber)
            } else if rk == .boolean || rk == .null {
                right = .number(right.coercedNumber)
            } else {
                break
            }
        }
        return (left, right)
    }

    /// GitHub's loose `==`.
    public func looselyEquals(_ other: ExpressionValue) -> Bool {
        let (l, r) = Self.coerce(self, other)
        switch (l, r) {
        case (.null, .null): return true
        case (.number(let a), .number(let b)): return !a.isNaN && !b.isNaN && a == b
        case (.string(let a), .string(let b)): return CaseFolding.equal(a, b)
        case (.bool(let a), .bool(let b)): return a == b
        case (.array(let a), .array(let b)): return a === b
        case (.object(let a), .object(let b)): return a === b
        default: return false
        }
    }

    /// GitHub's `<`, `>` family: the sign of the comparison, or nil when the values are unordered.
    func compareOrdered(_ other: ExpressionValue) -> Int? {
        let (l, r) = Self.coerce(self, other)
        switch (l, r) {
        case (.number(let a), .number(let b)):
            if a.isNaN || b.isNaN { return nil }
            return a < b ? -1 : (a > b ? 1 : 0)
        case (.string(let a), .string(let b)):
            return CaseFolding.compare(a, b).signum()
        case (.bool(let a), .bool(let b)):
            return a == b ? 0 : (a ? 1 : -1)
        default:
            return nil
        }
    }
}

/// Number syntax and formatting shared by the lexer and coercions.
public enum NumberSyntax {
    /// Parses a number literal or a string being coerced: trimmed, then decimal (with sign, leading
    /// dot and exponent), `0x` hexadecimal, `0o` octal, `Infinity`, `-Infinity` or `NaN`; NaN otherwise.
    public static func parseLenient(_ raw: String) -> Double {
        let text = raw.trimmingUnicodeWhitespace()
        if text.isEmpty { return 0 }
        if let value = parseDecimal(text) { return value }
        let scalars = Array(text.unicodeScalars)
        if scalars.count > 2, scalars[0] == "0", scalars[1] == "x" {
            let digits = scalars[2...]
            if digits.allSatisfy({ $0.properties.isASCIIHexDigit }),
                let value = UInt64(String(String.UnicodeScalarView(digits)), radix: 16), value <= UInt64(UInt32.max)
            {
                // Like .NET's Int32 hex parse: the 32-bit pattern is read as a signed integer.
                return Double(Int32(bitPattern: UInt32(value)))
            }
            return .nan
        }
        if scalars.count > 2, scalars[0] == "0", scalars[1] == "o" {
            let digits = scalars[2...]
            if digits.allSatisfy({ $0.value >= 0x30 && $0.value <= 0x37 }),
                let value = Int64(String(String.UnicodeScalarView(digits)), radix: 8), value <= Int64(UInt32.max)
            {
                return Double(Int32(bitPattern: UInt32(value)))
            }
            return .nan
        }
        return .nan
    }

    /// Decimal syntax: `[+-]?(digits[.digits?]|.digits)([eE][+-]?digits)?`, or `[+-]?Infinity`, or `NaN`.
    public static func parseDecimal(_ text: String) -> Double? {
        switch text {
        case "Infinity", "+Infinity": return .infinity
        case "-Infinity": return -.infinity
        case "NaN", "+NaN", "-NaN": return .nan
        default: break
        }
        var bytes = Array(text.utf8)[...]
        guard !bytes.isEmpty else { return nil }
        if bytes.first == UInt8(ascii: "+") || bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        var intDigits = 0
        var fracDigits = 0
        while let b = bytes.first, b >= 0x30 && b <= 0x39 {
            intDigits += 1
            bytes = bytes.dropFirst()
        }
        if bytes.first == UInt8(ascii: ".") {
            bytes = bytes.dropFirst()
            while let b = bytes.first, b >= 0x30 && b <= 0x39 {
                fracDigits += 1
                bytes = bytes.dropFirst()
            }
        }
        guard intDigits + fracDigits > 0 else { return nil }
        if let e = bytes.first, e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if bytes.first == UInt8(ascii: "+") || bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
            var expDigits = 0
            while let b = bytes.first, b >= 0x30 && b <= 0x39 {
                expDigits += 1
                bytes = bytes.dropFirst()
            }
            guard expDigits > 0 else { return nil }
        }
        guard bytes.isEmpty else { return nil }
        var normalized = text
        if normalized.hasSuffix(".") { normalized += "0" }
        normalized = normalized.replacing(".e", with: ".0e").replacing(".E", with: ".0E")
        return Double(normalized)
    }

    /// Formats like .NET's `G15`: at most 15 significant digits, integers without a fraction,
    /// `-0` as `0`, and `E+XX` exponents for very large or small magnitudes.
    public static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value == .infinity { return "Infinity" }
        if value == -.infinity { return "-Infinity" }
        if value == 0 { return "0" }
        if value == value.rounded(), abs(value) < 1e15 {
            return String(Int64(value))
        }
        var buffer = [CChar](repeating: 0, count: 64)
        _ = withVaList([value]) { vsnprintf(&buffer, buffer.count, "%.15G", $0) }
        let length = buffer.firstIndex(of: 0) ?? buffer.count
        return String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

extension String {
    func trimmingUnicodeWhitespace() -> String {
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        guard let end = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[start...end])
    }
}
