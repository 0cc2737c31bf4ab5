/// GitHub compares strings "ordinal ignore case": both sides upper-cased per character with the
/// invariant simple mapping, then compared by UTF-16 code unit. Lower-casing gives different
/// answers (`'a' < '['`), and full mappings (`ß` → `SS`) change lengths, so neither is used.
public enum CaseFolding {
    /// Upper-cases each scalar with its single-scalar mapping, leaving scalars with multi-scalar mappings unchanged.
    public static func upper(_ text: String) -> String {
        // Fast path: pure ASCII.
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            if !text.utf8.contains(where: { $0 >= 0x61 && $0 <= 0x7A }) { return text }
            return String(decoding: text.utf8.map { ($0 >= 0x61 && $0 <= 0x7A) ? $0 - 0x20 : $0 }, as: UTF8.self)
        }
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            scalars.append(upper(scalar))
        }
        return String(scalars)
    }

    static func upper(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        if scalar.value < 0x80 {
            if scalar.value >= 0x61 && scalar.value <= 0x7A { return Unicode.Scalar(scalar.value - 0x20) ?? scalar }
            return scalar
        }
        // The invariant culture leaves the Turkish dotless i alone.
        if scalar.value == 0x131 { return scalar }
        let mapping = scalar.properties.uppercaseMapping.unicodeScalars
        if mapping.count == 1, let first = mapping.first { return first }
        return scalar
    }

    /// Ordinal case-insensitive equality.
    public static func equal(_ a: String, _ b: String) -> Bool {
        if a == b { return true }
        return Array(upper(a).utf16) == Array(upper(b).utf16)
    }

    /// Ordinal case-insensitive three-way comparison: negative, zero or positive.
    public static func compare(_ a: String, _ b: String) -> Int {
        let x = Array(upper(a).utf16)
        let y = Array(upper(b).utf16)
        for (p, q) in zip(x, y) where p != q {
            return Int(p) - Int(q)
        }
        return x.count - y.count
    }

    public static func contains(_ haystack: String, _ needle: String) -> Bool {
        let h = Array(upper(haystack).utf16)
        let n = Array(upper(needle).utf16)
        return indexOf(n, in: h) != nil
    }

    public static func hasPrefix(_ text: String, _ prefix: String) -> Bool {
        let t = Array(upper(text).utf16)
        let p = Array(upper(prefix).utf16)
        return t.count >= p.count && Array(t[0..<p.count]) == p
    }

    public static func hasSuffix(_ text: String, _ suffix: String) -> Bool {
        let t = Array(upper(text).utf16)
        let s = Array(upper(suffix).utf16)
        return t.count >= s.count && Array(t[(t.count - s.count)...]) == s
    }

    static func indexOf(_ needle: [UInt16], in haystack: [UInt16]) -> Int? {
        if needle.isEmpty { return 0 }
        if needle.count > haystack.count { return nil }
        outer: for start in 0...(haystack.count - needle.count) {
            for offset in 0..<needle.count where haystack[start + offset] != needle[offset] {
                continue outer
            }
            return start
        }
        return nil
    }
}
