import Core
import Crypto
import Foundation

/// Seals the secrets the server must read back (webhook secrets) with AES-GCM under a key of its own, kept in the data
/// directory with mode 0600: a copy of the database alone reveals none of them.
public struct SecretBox: Sendable {
    let key: SymmetricKey

    /// The key in `path`, created (256 random bits, mode 0600) when missing.
    public init(keyFile path: String) throws {
        if let data = FileManager.default.contents(atPath: path) {
            guard data.count == 32 else { throw ServerError.configuration("\(path) is not a 256-bit key (\(data.count) bytes)") }
            key = SymmetricKey(data: data)
            return
        }
        let created = SymmetricKey(size: .bits256)
        let bytes = created.withUnsafeBytes { Data($0) }
        try AtomicFile.write(bytes, to: path, permissions: 0o600)
        key = created
    }

    public func seal(_ text: String) throws -> [UInt8] {
        guard let combined = try AES.GCM.seal(Data(text.utf8), using: key).combined else {
            throw ServerError.configuration("AES-GCM gave no combined form")
        }
        return Array(combined)
    }

    public func open(_ sealed: [UInt8]) throws -> String {
        let box = try AES.GCM.SealedBox(combined: Data(sealed))
        return String(decoding: try AES.GCM.open(box, using: key), as: UTF8.self)
    }
}
