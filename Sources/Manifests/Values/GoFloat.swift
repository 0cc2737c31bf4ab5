/// Go's shortest float formatting (`strconv.FormatFloat(f, fmt, -1, 64)`), needed because kustomize's output passes
/// every number through `encoding/json` and then go-yaml: `1.0` → `1`, `2.5e-3` → `0.0025`, `1e20` → `1e+20`.
enum GoFloat {
    struct Decimal {
        var negative: Bool
        /// Significant digits without leading or trailing zeros ("" for zero).
        var digits: [UInt8]
        /// Position of the decimal point relative to the digits: value = 0.digits × 10^point.
        var point: Int
    }

    static func decimal(_ value: Double) -> Decimal {
        // Swift's description is the shortest round-tripping representation, like Go's precision -1.
        var text = Array(value.magnitude.description.utf8)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) {
            exponent = Int(String(decoding: text[(e + 1)...], as: UTF8.self)) ?? 0
            text = Array(text[..<e])
        }
        var digits: [UInt8] = []
        var point = 0
        var seenPoint = false
        for byte in text {
            if byte == UInt8(ascii: ".") {
                seenPoint = true
                continue
            }
            digits.append(byte)
            if !seenPoint { point += 1 }
        }
        point += exponent
        while digits.first == UInt8(ascii: "0") {
            digits.removeFirst()
            point -= 1
        }
        while digits.last == UInt8(ascii: "0") { digits.removeLast() }
        if digits.isEmpty { point = 0 }
        return Decimal(negative: value.sign == .minus && value != 0, digits: digits, point: point)
    }

    static func fixed(_ d: Decimal) -> String {
        var out = d.negative ? "-" : ""
        if d.digits.isEmpty { return out + "0" }
        if d.point <= 0 {
            out += "0." + String(repeating: "0", count: -d.point) + String(decoding: d.digits, as: UTF8.self)
        } else if d.point >= d.digits.count {
            out += String(decoding: d.digits, as: UTF8.self) + String(repeating: "0", count: d.point - d.digits.count)
        } else {
            out +=
                String(decoding: d.digits[..<d.point], as: UTF8.self) + "."
                + String(decoding: d.digits[d.point...], as: UTF8.self)
        }
        return out
    }

    static func exponential(_ d: Decimal, minimumExponentDigits: Int = 2) -> String {
        var out = d.negative ? "-" : ""
        let digits = d.digits.isEmpty ? [UInt8(ascii: "0")] : d.digits
        out += String(UnicodeScalar(digits[0]))
        if digits.count > 1 { out += "." + String(decoding: digits[1...], as: UTF8.self) }
        let exponent = d.digits.isEmpty ? 0 : d.point - 1
        let magnitude = String(abs(exponent))
        out +=
            (exponent < 0 ? "e-" : "e+")
            + String(repeating: "0", count: max(0, minimumExponentDigits - magnitude.count)) + magnitude
        return out
    }

    /// `encoding/json`'s float64 text.
    static func json(_ value: Double) -> String {
        let magnitude = value.magnitude
        let d = decimal(value)
        if magnitude != 0, magnitude < 1e-6 || magnitude >= 1e21 {
            var text = exponential(d)
            // encoding/json trims e-09 to e-9.
            let bytes = Array(text.utf8)
            let n = bytes.count
            if n >= 4, bytes[n - 4] == UInt8(ascii: "e"), bytes[n - 3] == UInt8(ascii: "-"),
                bytes[n - 2] == UInt8(ascii: "0")
            {
                text = String(decoding: bytes[..<(n - 2)] + [bytes[n - 1]], as: UTF8.self)
            }
            return text
        }
        return fixed(d)
    }

    /// `strconv.FormatFloat(f, 'g', -1, 64)`.
    static func general(_ value: Double) -> String {
        let d = decimal(value)
        let exponent = d.digits.isEmpty ? 0 : d.point - 1
        if exponent < -4 || exponent >= 6 { return exponential(d) }
        return fixed(d)
    }

    /// `fmt.Sprintf("%v", f)`: shortest digits, exponential only below 1e-4 or from 1e21.
    static func formatV(_ value: Double) -> String {
        let d = decimal(value)
        let exponent = d.digits.isEmpty ? 0 : d.point - 1
        if exponent < -4 || exponent >= 21 { return exponential(d) }
        return fixed(d)
    }

    /// How go-yaml prints a float that went through `encoding/json`: integral values come back as integers.
    static func yamlText(_ value: Double) -> String {
        let json = json(value)
        let bytes = Array(json.utf8)
        if let integer = GoInteger.parseSigned(bytes) { return String(integer) }
        if let integer = GoInteger.parseUnsigned(bytes) { return String(integer) }
        return general(value)
    }
}
