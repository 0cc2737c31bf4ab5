import CDispatch
import Crypto
import Foundation
import Glibc

/// A content digest such as `sha256:<64 hex>`, as OCI descriptors and registries use it.
public struct Digest: Hashable, Sendable, Codable, CustomStringConvertible, Comparable {
    public let algorithm: String
    public let hex: String

    /// Parses `algorithm:encoded`; only sha256 and sha512 are accepted, with lowercase hex of the right length.
    public init(parsing text: String) throws(ImageError) {
        guard let colon = text.firstIndex(of: ":") else { throw .invalidDigest(text) }
        let algorithm = String(text[..<colon])
        let hex = String(text[text.index(after: colon)...])
        let length: Int
        switch algorithm {
        case "sha256": length = 64
        case "sha512": length = 128
        default: throw .invalidDigest(text)
        }
        guard hex.utf8.count == length, hex.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }) else {
            throw .invalidDigest(text)
        }
        self.algorithm = algorithm
        self.hex = hex
    }

    init(sha256 hex: String) {
        algorithm = "sha256"
        self.hex = hex
    }

    /// The sha256 digest of `bytes`.
    public static func sha256<D: DataProtocol>(of bytes: D) -> Digest {
        Digest(sha256: SHA256.hash(data: bytes).hexString)
    }

    /// The sha256 digest of a file's content, read in 256 KiB pieces; nil when it cannot be read.
    public static func sha256(ofFile path: String) -> Digest? {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var hasher = DigestHasher()
        var buffer = [UInt8](repeating: 0, count: 256 * 1024)
        let failed = buffer.withUnsafeMutableBytes { raw -> Bool in
            while true {
                let count = read(descriptor, raw.baseAddress, raw.count)
                if count < 0 { return true }
                if count == 0 { return false }
                hasher.update(UnsafeRawBufferPointer(rebasing: raw[..<count]))
            }
        }
        return failed ? nil : hasher.finalize()
    }

    public var description: String { "\(algorithm):\(hex)" }
    /// The 12-character short form Docker prints for image IDs.
    public var short: String { String(hex.prefix(12)) }

    public static func < (lhs: Digest, rhs: Digest) -> Bool { lhs.description < rhs.description }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        self = try Digest(parsing: text)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// Hashes a stream of bytes incrementally, so layers never need to be in memory at once.
public struct DigestHasher: Sendable {
    private var hasher = SHA256()
    public private(set) var count: Int64 = 0

    public init() {}

    public mutating func update<D: DataProtocol>(_ bytes: D) {
        hasher.update(data: bytes)
        count += Int64(bytes.count)
    }

    public mutating func update(_ buffer: UnsafeRawBufferPointer) {
        hasher.update(bufferPointer: buffer)
        count += Int64(buffer.count)
    }

    public func finalize() -> Digest { Digest(sha256: hasher.finalize().hexString) }
}

extension Sequence where Element == UInt8 {
    var hexString: String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in self {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
