import Core
import Foundation
import OCI

/// Layers built before, by cache key: `<store>/build-cache/<key>.json`. The blob itself lives in the store, so a hit
/// also means the layer need not be uploaded again where it was pushed before.
struct BuildCache {
    struct Entry: Codable {
        var layer: Descriptor
        var diffID: Digest
        var created: String
        var createdBy: String
    }

    let directory: String
    let store: ImageStore

    init(store: ImageStore) {
        self.store = store
        directory = "\(store.root)/build-cache"
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    func lookup(_ key: Digest) -> Entry? {
        guard let data = FileManager.default.contents(atPath: "\(directory)/\(key.hex).json"),
            let entry = try? JSONDecoder().decode(Entry.self, from: data), store.hasBlob(entry.layer.digest)
        else { return nil }
        return entry
    }

    func save(_ entry: Entry, for key: Digest) {
        guard let data = try? CanonicalJSON.encode(entry) else { return }
        try? AtomicFile.write(data, to: "\(directory)/\(key.hex).json")
    }
}
