import Core
import Crypto
import CryptoExtras
import Foundation

/// The issuer's RSA keys, kept in a directory (`<created>-<kid>.pem`, readable by this user only). The newest key
/// signs; after `rotationAge` a new one is made, and the old one stays published for `overlap` more, so a token signed
/// just before a rotation still verifies until it expires.
public struct SigningKeys: Sendable {
    public let directory: String
    public var rotationAge: TimeInterval
    public var overlap: TimeInterval

    /// A key and its id (`kid`: the first 16 hex digits of the SHA-256 of its public key's DER).
    public struct Key: Sendable {
        public var id: String
        public var created: Date
        public var privateKey: _RSA.Signing.PrivateKey
    }

    public init(directory: String, rotationAge: TimeInterval = 30 * 86_400, overlap: TimeInterval = 7 * 86_400) {
        self.directory = directory
        self.rotationAge = rotationAge
        self.overlap = overlap
    }

    /// The key that signs now, made when there is none or the newest is older than `rotationAge`.
    public func current(now: Date = Date()) throws -> Key {
        if let newest = try stored().max(by: { $0.created < $1.created }), now.timeIntervalSince(newest.created) < rotationAge {
            return newest
        }
        return try make(now: now)
    }

    /// The keys to publish (JWKS): every key younger than `rotationAge + overlap`; older files are removed.
    public func published(now: Date = Date()) throws -> [Key] {
        var kept: [Key] = []
        for key in try stored() {
            if now.timeIntervalSince(key.created) < rotationAge + overlap {
                kept.append(key)
            } else {
                try? FileManager.default.removeItem(atPath: path(of: key))
            }
        }
        return kept.sorted { $0.created > $1.created }
    }

    func path(of key: Key) -> String { "\(directory)/\(Int64(key.created.timeIntervalSince1970))-\(key.id).pem" }

    func stored() throws -> [Key] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        var keys: [Key] = []
        for name in names where name.hasSuffix(".pem") {
            let parts = name.dropLast(4).split(separator: "-", maxSplits: 1)
            guard parts.count == 2, let seconds = Int64(parts[0]) else { continue }
            let text = try String(contentsOfFile: "\(directory)/\(name)", encoding: .utf8)
            let privateKey = try _RSA.Signing.PrivateKey(pemRepresentation: text)
            keys.append(Key(id: String(parts[1]), created: Date(timeIntervalSince1970: TimeInterval(seconds)), privateKey: privateKey))
        }
        return keys
    }

    func make(now: Date) throws -> Key {
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let privateKey = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let digest = SHA256.hash(data: privateKey.publicKey.derRepresentation)
        let id = digest.map { String(format: "%02x", $0) }.joined().prefix(16)
        let key = Key(
            id: String(id), created: Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down)), privateKey: privateKey)
        try AtomicFile.write(Data(privateKey.pemRepresentation.utf8), to: path(of: key), permissions: 0o600)
        return key
    }
}

extension SigningKeys.Key {
    /// The public key as a JWK (`kty`, `alg`, `use`, `kid`, `n`, `e`).
    public func jwk() throws -> [String: String] {
        let primitives = try privateKey.publicKey.getKeyPrimitives()
        return [
            "kty": "RSA", "alg": "RS256", "use": "sig", "kid": id,
            "n": Base64URL.encode(primitives.modulus), "e": Base64URL.encode(primitives.publicExponent),
        ]
    }
}
