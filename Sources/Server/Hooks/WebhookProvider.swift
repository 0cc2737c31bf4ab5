import Crypto
import Foundation

/// A forge that sends webhooks, with the headers it names things by and how it proves a delivery is its own.
public enum WebhookProvider: String, Sendable, CaseIterable {
    case github, gitlab, gitea

    /// The header naming the event.
    var eventHeader: String {
        switch self {
        case .github: "X-GitHub-Event"
        case .gitlab: "X-Gitlab-Event"
        case .gitea: "X-Gitea-Event"
        }
    }

    /// The header carrying the signature (GitHub, Gitea) or the shared token (GitLab).
    var proofHeader: String {
        switch self {
        case .github: "X-Hub-Signature-256"
        case .gitlab: "X-Gitlab-Token"
        case .gitea: "X-Gitea-Signature"
        }
    }

    /// Whether `proof` proves that a holder of `secret` sent `body`: HMAC-SHA256 of the raw body in hex (after
    /// `sha256=` for GitHub) or the token itself (GitLab), compared in constant time.
    func verifies(_ proof: String, body: Data, secret: String) -> Bool {
        switch self {
        case .github, .gitea:
            let hex = self == .github ? (proof.hasPrefix("sha256=") ? String(proof.dropFirst(7)) : "") : proof
            guard let code = Self.bytes(hex: hex), code.count == 32 else { return false }
            return HMAC<SHA256>.isValidAuthenticationCode(code, authenticating: body, using: SymmetricKey(data: Data(secret.utf8)))
        case .gitlab:
            // Digests, so that even the secret's length takes no part in the time taken.
            return TokenAuthority.sameBytes(SHA256.hash(data: Data(proof.utf8)), SHA256.hash(data: Data(secret.utf8)))
        }
    }

    static func bytes(hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
