/// Types plain YAML scalars the way Go's YAML libraries do, because kustomize's output depends on it:
/// kustomization files are read by go-yaml v2 (YAML 1.1: `yes` is a bool), resources by go-yaml v3
/// (YAML 1.2 booleans), and the output emitter quotes every string that YAML 1.1 would read as something else.
public enum ScalarResolver {
    public enum Dialect: Sendable {
        /// go-yaml v2: YAML 1.1 booleans (`yes`, `on`, `y`, ...), base-60 floats are not values but are quoted.
        case yaml11
        /// go-yaml v3: only `true`/`false` are booleans.
        case yaml12
    }

    public enum Resolved: Sendable, Hashable {
        case null
        case bool(Bool)
        case integer(String)
        case float(Double)
        /// A timestamp in RFC 3339 form, as Go's `time.Time` marshals to JSON.
        case timestamp(String)
        case string
    }

    public static func resolve(_ text: String, dialect: Dialect) -> Resolved {
        let bytes = Array(text.utf8)
        guard let first = bytes.first else { return .null }
        switch first {
        case UInt8(ascii: "y"), UInt8(ascii: "Y"), UInt8(ascii: "n"), UInt8(ascii: "N"), UInt8(ascii: "t"),
            UInt8(ascii: "T"), UInt8(ascii: "f"), UInt8(ascii: "F"), UInt8(ascii: "o"), UInt8(ascii: "O"),
            UInt8(ascii: "~"):
            return mapped(text, dialect: dialect) ?? .string
        case UInt8(ascii: "."):
            if let value = mapped(text, dialect: dialect) { return value }
            if let value = Double(text), isGoFloatSyntax(bytes) { return .float(value) }
            return .string
        case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            if let value = mapped(text, dialect: dialect) { return value }
            if let stamp = GoTimestamp.parse(bytes) { return .timestamp(stamp) }
            let plain = bytes.filter { $0 != UInt8(ascii: "_") }
            if let value = GoInteger.parseSigned(plain) { return .integer(String(value)) }
            if let value = GoInteger.parseUnsigned(plain) { return .integer(String(value)) }
            if isYAMLStyleFloat(plain), let value = Double(String(decoding: plain, as: UTF8.self)) {
                return .float(value)
            }
            return .string
        default:
            return .string
        }
    }

    /// go-yaml v2 quotes `1:20` (a YAML 1.1 base-60 float) although it never resolves it as a number.
    public static func isBase60Float(_ text: String) -> Bool {
        var bytes = Array(text.utf8)[...]
        if let first = bytes.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        guard let first = bytes.first, isDigit(first) else { return false }
        bytes = bytes.dropFirst()
        while let byte = bytes.first, isDigit(byte) || byte == UInt8(ascii: "_") { bytes = bytes.dropFirst() }
        var groups = 0
        while bytes.first == UInt8(ascii: ":") {
            bytes = bytes.dropFirst()
            let digits = bytes.prefix(while: isDigit)
            guard (1...2).contains(digits.count) else { return false }
            if digits.count == 2, let lead = digits.first, lead > UInt8(ascii: "5") { return false }
            bytes = bytes.dropFirst(digits.count)
            groups += 1
        }
        guard groups > 0 else { return false }
        if bytes.first == UInt8(ascii: ".") {
            bytes = bytes.dropFirst()
            while let byte = bytes.first, isDigit(byte) || byte == UInt8(ascii: "_") { bytes = bytes.dropFirst() }
        }
        return bytes.isEmpty
    }

    static func mapped(_ text: String, dialect: Dialect) -> Resolved? {
        switch text {
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        case "~", "null", "Null", "NULL": return .null
        case ".nan", ".NaN", ".NAN": return .float(.nan)
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .float(.infinity)
        case "-.inf", "-.Inf", "-.INF": return .float(-.infinity)
        default: break
        }
        guard dialect == .yaml11 else { return nil }
        switch text {
        case "y", "Y", "yes", "Yes", "YES", "on", "On", "ON": return .bool(true)
        case "n", "N", "no", "No", "NO", "off", "Off", "OFF": return .bool(false)
        default: return nil
        }
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    /// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`, the float syntax both Go libraries accept.
    static func isYAMLStyleFloat(_ bytes: [UInt8]) -> Bool {
        var index = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
        let intStart = index
        while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        let intDigits = index - intStart
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            let fracStart = index
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            if intDigits == 0 && index == fracStart { return false }
        } else if intDigits == 0 {
            return false
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            let expStart = index
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            if index == expStart { return false }
        }
        return index == bytes.count
    }

    /// What Go's `strconv.ParseFloat` accepts for a scalar starting with `.` (`.5`, `.5e3`).
    static func isGoFloatSyntax(_ bytes: [UInt8]) -> Bool {
        isYAMLStyleFloat(bytes.filter { $0 != UInt8(ascii: "_") })
    }
}

/// Go's `strconv.ParseInt(s, 0, 64)` / `ParseUint`: optional sign, `0x`, `0o`, `0b` or leading-`0` octal.
enum GoInteger {
    static func parseSigned(_ bytes: [UInt8]) -> Int64? {
        guard let first = bytes.first else { return nil }
        var negative = false
        var body = bytes[...]
        if first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
            negative = first == UInt8(ascii: "-")
            body = body.dropFirst()
        }
        guard let magnitude = parseMagnitude(body) else { return nil }
        if negative {
            if magnitude == UInt64(Int64.max) + 1 { return Int64.min }
            guard magnitude <= UInt64(Int64.max) else { return nil }
            return -Int64(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        return Int64(magnitude)
    }

    static func parseUnsigned(_ bytes: [UInt8]) -> UInt64? {
        parseMagnitude(bytes[...])
    }

    static func parseMagnitude(_ input: ArraySlice<UInt8>) -> UInt64? {
        var body = input
        var base: UInt64 = 10
        if body.count >= 2, body.first == UInt8(ascii: "0") {
            switch body[body.startIndex + 1] | 0x20 {
            case UInt8(ascii: "x"):
                base = 16
                body = body.dropFirst(2)
            case UInt8(ascii: "o"):
                base = 8
                body = body.dropFirst(2)
            case UInt8(ascii: "b"):
                base = 2
                body = body.dropFirst(2)
            default:
                base = 8
                body = body.dropFirst()
            }
        }
        guard !body.isEmpty else { return nil }
        var value: UInt64 = 0
        for byte in body {
            let digit: UInt64
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt64(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt64(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt64(byte - UInt8(ascii: "A") + 10)
            default: return nil
            }
            guard digit < base else { return nil }
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: base)
            let (sum, overflow2) = shifted.addingReportingOverflow(digit)
            if overflow1 || overflow2 { return nil }
            value = sum
        }
        return value
    }
}
