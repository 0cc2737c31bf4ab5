import Expressions
import Foundation

/// Replaces secret values in output with `***`.
///
/// For every secret it masks the value, each of its lines, its base64 forms at all three byte
/// alignments, its JSON-escaped form, every percent-encoding of it (each byte literal or `%XX` in either case, `+` for
/// a space: what `quote`, `quote_plus`, `encodeURIComponent` and `curl --data-urlencode` print), and values added
/// later with `::add-mask::`. Longer values are replaced first so a secret that contains another is masked whole.
public final class SecretMasker: @unchecked Sendable {
    private let lock = NSLockLike()
    private var patterns: [String] = []
    /// The values themselves (and their lines), matched in any percent-encoding.
    private var values: [[UInt8]] = []
    /// The values as added, for a runner on another machine to mask the same.
    private var added: [String] = []
    public static let minimumLength = 1

    public init(secrets: [String] = []) {
        for secret in secrets { add(secret) }
    }

    /// Adds a value and its derived forms.
    public func add(_ secret: String) {
        let trimmed = secret.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return }
        var forms: Set<String> = [secret, trimmed]
        for line in secret.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let t = line.trimmingCharacters(in: .whitespaces)
            if !t.isEmpty { forms.insert(t) }
        }
        for value in Array(forms) {
            forms.formUnion(Self.base64Forms(value))
            forms.insert(Self.jsonEscaped(value))
            if let encoded = value.addingPercentEncoding(withAllowedCharacters: .urlQueryValueAllowed) { forms.insert(encoded) }
            if let encoded = value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) { forms.insert(encoded) }
        }
        lock.withLock {
            if !added.contains(secret) { added.append(secret) }
            for form in forms where !form.isEmpty && !patterns.contains(form) { patterns.append(form) }
            patterns.sort { $0.count > $1.count }
            for value in [secret, trimmed] + secret.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).map(String.init) {
                let bytes = Array(value.trimmingCharacters(in: .whitespaces).utf8)
                if !bytes.isEmpty, !values.contains(bytes) { values.append(bytes) }
            }
            values.sort { $0.count > $1.count }
        }
    }

    /// Base64 of the value at byte offsets 0, 1 and 2, with the partial edge characters removed so the
    /// form is found inside the encoding of a longer string.
    static func base64Forms(_ value: String) -> [String] {
        let bytes = Array(value.utf8)
        var forms: [String] = []
        for shift in 0..<3 {
            let padded = [UInt8](repeating: 0, count: shift) + bytes
            var encoded = Data(padded).base64EncodedString()
            while encoded.hasSuffix("=") { encoded.removeLast() }
            // Drop characters influenced by the padding prefix and by the unknown following bytes.
            let leading = shift == 0 ? 0 : (shift == 1 ? 2 : 3)
            let totalBits = (shift + bytes.count) * 8
            let fullChars = totalBits / 6
            guard fullChars > leading else { continue }
            let chars = Array(encoded)
            let core = String(chars[leading..<min(fullChars, chars.count)])
            if core.count >= 4 { forms.append(core) }
            if shift == 0 { forms.append(Data(bytes).base64EncodedString()) }
        }
        return forms
    }

    /// The value as it appears inside a JSON string literal.
    static func jsonEscaped(_ value: String) -> String {
        var quoted = ""
        JSON.writeString(value, into: &quoted)
        return String(quoted.dropFirst().dropLast())
    }

    public func mask(_ text: String) -> String {
        let (current, raw) = lock.withLock { (patterns, values) }
        guard !current.isEmpty else { return text }
        var result = text
        for pattern in current where result.contains(pattern) {
            result = result.replacingOccurrences(of: pattern, with: "***")
        }
        // Percent-encodings mixing literal and escaped bytes cannot be listed; they are matched byte by byte.
        if result.contains("%") || result.contains("+") {
            var bytes = Array(result.utf8)
            var changed = false
            for value in raw {
                let ranges = Self.percentEncodedMatches(of: value, in: bytes)
                for range in ranges.reversed() {
                    bytes.replaceSubrange(range, with: Array("***".utf8))
                    changed = true
                }
            }
            if changed { result = String(decoding: bytes, as: UTF8.self) }
        }
        return result
    }

    /// Where `bytes` holds `value` with each byte written literally, as `%XX` (either case) or, for a space, `+` —
    /// only matches that use at least one escape (plain ones are replaced before).
    static func percentEncodedMatches<Bytes: RandomAccessCollection<UInt8>>(of value: [UInt8], in bytes: Bytes) -> [Range<Int>]
    where Bytes.Index == Int {
        func hex(_ byte: UInt8) -> UInt8? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        /// The end of the longest encoding of `value` starting at `start`, trying a byte's escaped forms first.
        func match(from start: Int) -> Int? {
            var positions = [start]  // every position the encoding may have reached, for value[..<j]
            for expected in value {
                var next: [Int] = []
                for p in positions where p < bytes.endIndex {
                    if bytes[p] == UInt8(ascii: "%"), p + 2 < bytes.endIndex, let high = hex(bytes[p + 1]), let low = hex(bytes[p + 2]),
                        high << 4 | low == expected
                    {
                        next.append(p + 3)
                    }
                    if bytes[p] == expected || (expected == UInt8(ascii: " ") && bytes[p] == UInt8(ascii: "+")) { next.append(p + 1) }
                }
                guard !next.isEmpty else { return nil }
                positions = Array(Set(next))
            }
            return positions.max()
        }
        var ranges: [Range<Int>] = []
        var index = bytes.startIndex
        while index < bytes.endIndex {
            if let end = match(from: index) {
                ranges.append(index..<end)
                index = end
            } else {
                index += 1
            }
        }
        return ranges
    }

    /// Every value added so far, as given.
    public var secrets: [String] { lock.withLock { added } }

    public var isEmpty: Bool { lock.withLock { patterns.isEmpty } }

    /// Whether `data` holds a masked value in any of its encodings — for files that are stored, never shown, so
    /// they cannot be masked and must be refused instead.
    public func isFound(in data: Data) -> Bool {
        let (current, raw) = lock.withLock { (patterns, values) }
        if current.contains(where: { !$0.isEmpty && data.range(of: Data($0.utf8)) != nil }) { return true }
        guard data.contains(UInt8(ascii: "%")) || data.contains(UInt8(ascii: "+")) else { return false }
        return raw.contains { !Self.percentEncodedMatches(of: $0, in: data).isEmpty }
    }
}

extension CharacterSet {
    static let urlQueryValueAllowed: CharacterSet = {
        var set = CharacterSet.urlQueryAllowed
        set.remove(charactersIn: "&=+?#")
        return set
    }()
}
