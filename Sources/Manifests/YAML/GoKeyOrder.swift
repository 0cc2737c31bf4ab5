/// go-yaml v2's "natural" key order (`sorter.go`): rune by rune, letters before non-letters, runs of digits compared
/// as numbers. kustomize's output order of every mapping key depends on it.
public enum GoKeyOrder {
    /// The entries in emitting order; each key is decoded to scalars once, not once per comparison.
    public static func sorted(_ fields: [String: ManifestValue]) -> [(String, ManifestValue)] {
        fields.map { (scalars: scalars($0.key), entry: ($0.key, $0.value)) }
            .sorted { lessScalars($0.scalars, $1.scalars) }
            .map(\.entry)
    }

    static func scalars(_ key: String) -> [UInt32] {
        var utf8 = key.utf8.map(UInt32.init)
        if utf8.contains(where: { $0 >= 0x80 }) { utf8 = key.unicodeScalars.map(\.value) }
        return utf8
    }

    static func lessScalars(_ ar: [UInt32], _ br: [UInt32]) -> Bool {
        var i = 0
        while i < ar.count && i < br.count {
            if ar[i] == br[i] {
                i += 1
                continue
            }
            let al = isLetter(ar[i])
            let bl = isLetter(br[i])
            if al && bl { return ar[i] < br[i] }
            if al || bl { return bl }
            var an: Int64 = 0
            var bn: Int64 = 0
            if ar[i] == 0x30 || br[i] == 0x30 {
                var j = i - 1
                while j >= 0 && isDigit(ar[j]) {
                    if ar[j] != 0x30 {
                        an = 1
                        bn = 1
                        break
                    }
                    j -= 1
                }
            }
            var ai = i
            while ai < ar.count && isDigit(ar[ai]) {
                an = an &* 10 &+ Int64(ar[ai]) &- 0x30
                ai += 1
            }
            var bi = i
            while bi < br.count && isDigit(br[bi]) {
                bn = bn &* 10 &+ Int64(br[bi]) &- 0x30
                bi += 1
            }
            if an != bn { return an < bn }
            if ai != bi { return ai < bi }
            return ar[i] < br[i]
        }
        return ar.count < br.count
    }

    static func isLetter(_ scalar: UInt32) -> Bool {
        if scalar < 0x80 {
            return (scalar >= 0x41 && scalar <= 0x5A) || (scalar >= 0x61 && scalar <= 0x7A)
        }
        guard let unicode = Unicode.Scalar(scalar) else { return false }
        switch unicode.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }

    static func isDigit(_ scalar: UInt32) -> Bool {
        if scalar < 0x80 { return scalar >= 0x30 && scalar <= 0x39 }
        guard let unicode = Unicode.Scalar(scalar) else { return false }
        return unicode.properties.generalCategory == .decimalNumber
    }
}
