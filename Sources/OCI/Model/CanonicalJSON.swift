import CDispatch
import Foundation
import Glibc

/// Deterministic JSON for manifests and configs: sorted keys, no escaped slashes, so a digest is stable across
/// builds and machines. The bytes that are hashed are the bytes that are stored and pushed.
public enum CanonicalJSON {
    public static func encode<T: Encodable>(_ value: T) throws(ImageError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do { return try encoder.encode(value) } catch { throw .invalidJSON("\(T.self)", "\(error)") }
    }

    public static func decode<T: Decodable>(_ type: T.Type, from data: Data, what: String) throws(ImageError) -> T {
        do { return try JSONDecoder().decode(type, from: data) } catch { throw .invalidJSON(what, "\(error)") }
    }
}
