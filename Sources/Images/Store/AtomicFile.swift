import Foundation

/// Replaces a whole file: the bytes go to a hidden temporary file in the same directory, which is then renamed over
/// the destination, so readers see the old content or the new, never half of it. Parent directories are created.
/// There is no fsync: this is for caches, hints, credentials and registry links, where a lost write after a power
/// cut is harmless or repeated; the image store's `index.json` keeps Foundation's durable write.
enum AtomicFile {
    static func write(_ data: Data, to path: String, permissions: Int = 0o644) throws(ImageError) {
        let directory = (path as NSString).deletingLastPathComponent
        let temporary = "\(directory)/.tmp-\((path as NSString).lastPathComponent)-\(UUID().uuidString.prefix(8))"
        do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
            throw .io(directory, error.localizedDescription)
        }
        guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: permissions]) else {
            throw .io(temporary, "cannot write")
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: temporary)
            throw .io(path, reason)
        }
    }
}
