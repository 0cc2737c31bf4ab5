import Core
import Crypto
import Foundation

/// The local store behind `actions/cache`: entries per repository under `~/.cache/slipway/actions-cache`, each the
/// saved files plus `entry.json`. As on GitHub, an entry is immutable once saved, its identity is the key *and* a
/// version derived from the cached paths (the same key with other paths is another entry), and restore keys match
/// by prefix, newest entry first.
struct ActionCacheStore: Sendable {
    struct Entry: Codable, Sendable {
        var key: String
        var version: String
        var createdAt: Date
        var size: Int
    }

    let root: String

    init(repository: String, root: String = CacheDirectory.path(for: "actions-cache")) {
        self.root = root + "/" + Self.hex(SHA256.hash(data: Data(repository.utf8))).prefix(16)
    }

    static func version(paths: [String]) -> String {
        hex(SHA256.hash(data: Data((paths + ["slipway-copy-1"]).joined(separator: "|").utf8)))
    }

    private func directory(key: String, version: String) -> String {
        root + "/" + Self.hex(SHA256.hash(data: Data((key + "\n" + version).utf8)))
    }

    /// The entry for `key` exactly, else the newest whose key starts with one of `restoreKeys` (tried in order).
    func lookup(key: String, restoreKeys: [String], version: String) -> (entry: Entry, directory: String)? {
        let exact = directory(key: key, version: version)
        if let entry = read(exact) { return (entry, exact) }
        let all = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).filter { !$0.hasPrefix(".") }
            .compactMap { name -> (Entry, String)? in read(root + "/" + name).map { ($0, root + "/" + name) } }
            .filter { $0.0.version == version }
        for prefix in restoreKeys {
            if let newest = all.filter({ $0.0.key.hasPrefix(prefix) }).max(by: { $0.0.createdAt < $1.0.createdAt }) {
                return newest
            }
        }
        return nil
    }

    private func read(_ directory: String) -> Entry? {
        guard let data = FileManager.default.contents(atPath: directory + "/entry.json") else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try? decoder.decode(Entry.self, from: data)
    }

    enum SaveResult {
        case saved(Int)
        case exists, empty
    }

    /// Saves `files` (absolute source → stored relative path) unless an entry with this key and version exists.
    func save(key: String, version: String, files: [(source: String, path: String)]) throws -> SaveResult {
        let target = directory(key: key, version: version)
        if read(target) != nil { return .exists }
        guard !files.isEmpty else { return .empty }
        let fm = FileManager.default
        let scratch = root + "/.save-" + UUID().uuidString
        defer { try? fm.removeItem(atPath: scratch) }
        var size = 0
        for file in files {
            let destination = scratch + "/files/" + file.path
            try fm.createDirectory(atPath: FilePathText.parent(of: destination), withIntermediateDirectories: true)
            try fm.copyItem(atPath: file.source, toPath: destination)
            size += (try? fm.attributesOfItem(atPath: destination)[.size] as? Int) ?? 0
        }
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        try encoder.encode(Entry(key: key, version: version, createdAt: Date(), size: size))
            .write(to: URL(fileURLWithPath: scratch + "/entry.json"))
        guard rename(scratch, target) == 0 else {
            if errno == ENOTEMPTY || errno == EEXIST { return .exists }
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: target])
        }
        return .saved(size)
    }

    /// Copies an entry's files back: `ws/…` under `workspace`, `abs/…` to their absolute paths.
    func restore(_ directory: String, workspace: String) throws -> Int {
        let fm = FileManager.default
        let base = directory + "/files"
        var count = 0
        for relative in (fm.enumerator(atPath: base)?.allObjects as? [String]) ?? [] {
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: base + "/" + relative, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            let target: String
            if relative.hasPrefix("ws/") {
                target = workspace + "/" + relative.dropFirst(3)
            } else if relative.hasPrefix("abs/") {
                target = "/" + relative.dropFirst(4)
            } else {
                continue
            }
            try fm.createDirectory(atPath: FilePathText.parent(of: target), withIntermediateDirectories: true)
            if fm.fileExists(atPath: target) { try fm.removeItem(atPath: target) }
            try fm.copyItem(atPath: base + "/" + relative, toPath: target)
            count += 1
        }
        return count
    }

    static func hex(_ digest: some Sequence<UInt8>) -> String {
        digest.map { String(format: "%02x", $0) }.joined()
    }
}
