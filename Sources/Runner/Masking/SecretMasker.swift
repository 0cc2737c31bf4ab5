import Expressions
import Foundation

/// Replaces secret values in output with `***`.
///
/// For every secret it masks the value, each of its lines, its base64 forms at all three byte
/// alignments, its JSON-escaped and URL-encoded forms, and values added later with `::add-mask::`.
/// Longer values are replaced first so a secret that contains another is masked whole.
public final class SecretMasker: @unchecked Sendable {
    private let lock = NSLockLike()
    private var patterns: [String] = []
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
            for form in forms where !form.isEmpty && !patterns.contains(form) { patterns.append(form) }
            patterns.sort { $0.count > $1.count }
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
        let current = lock.withLock { patterns }
        guard !current.isEmpty else { return text }
        var result = text
        for pattern in current where result.contains(pattern) {
            result = result.replacingOccurrences(of: pattern, with: "***")
        }
        return result
    }

    public var isEmpty: Bool { lock.withLock { patterns.isEmpty } }

    /// Whether `data` holds a masked value in any of its encodings — for files that are stored, never shown, so
    /// they cannot be masked and must be refused instead.
    public func isFound(in data: Data) -> Bool {
        let current = lock.withLock { patterns }
        return current.contains { !$0.isEmpty && data.range(of: Data($0.utf8)) != nil }
    }
}

extension CharacterSet {
    static let urlQueryValueAllowed: CharacterSet = {
        var set = CharacterSet.urlQueryAllowed
        set.remove(charactersIn: "&=+?#")
        return set
    }()
}
