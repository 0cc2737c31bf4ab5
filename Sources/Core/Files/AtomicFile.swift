import Foundation

/// Replaces a whole file: the bytes go to a hidden temporary file in the same directory, created with its final
/// permissions, which is then renamed over the destination, so readers see the old content or the new, never half of
/// it — and programs that watch for renames (Envoy's file-based configuration) see one move. Parent directories are
/// created. There is no fsync: this is for caches, state rebuilt at start, credentials and registry links, where a
/// lost write after a power cut is harmless or repeated; the image store's `index.json` keeps Foundation's durable write.
public enum AtomicFile {
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var path: String
        public var reason: String
        public var description: String { "\(path): \(reason)" }
    }

    public static func write(_ data: Data, to path: String, permissions: Int = 0o644) throws(Failure) {
        let directory = FilePathText.parent(of: path)
        let temporary = "\(directory)/.tmp-\((path as NSString).lastPathComponent)-\(UUID().uuidString.prefix(8))"
        do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
            throw Failure(path: directory, reason: error.localizedDescription)
        }
        guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: permissions]) else {
            throw Failure(path: temporary, reason: "cannot write")
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: temporary)
            throw Failure(path: path, reason: reason)
        }
    }
}
