import Foundation

/// Base64 with the URL alphabet and no padding (RFC 7515 §2), as JWTs and JWKs write bytes.
enum Base64URL {
    static func encode(_ data: some DataProtocol) -> String {
        Data(data).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
