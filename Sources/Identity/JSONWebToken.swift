import Core
import CryptoExtras
import Foundation

/// A JWT signed with RS256 (RSASSA-PKCS1-v1_5 over SHA-256): `header.payload.signature`, each part base64url.
enum JSONWebToken {
    static func sign(claims: [String: Any], key: SigningKeys.Key) throws -> String {
        let header: [String: Any] = ["alg": "RS256", "typ": "JWT", "kid": key.id]
        let encodedHeader = Base64URL.encode(try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys]))
        let encodedClaims = Base64URL.encode(try JSONSerialization.data(withJSONObject: claims, options: [.sortedKeys]))
        let input = Data("\(encodedHeader).\(encodedClaims)".utf8)
        let signature = try key.privateKey.signature(for: input, padding: .insecurePKCS1v1_5)
        return "\(encodedHeader).\(encodedClaims).\(Base64URL.encode(signature.rawRepresentation))"
    }
}
