import CDispatch
import Foundation
import Glibc

/// Image layers unpacked once per layer digest, each in its own directory, for stacking with overlayfs: whiteouts
/// stay overlayfs markers, so a layer directory serves every image that shares the layer. A layer is unpacked into
/// a temporary directory and renamed into place, so a directory that exists is complete.
public struct LayerCache: Sendable {
    public let root: String
    let store: ImageStore

    public init(store: ImageStore, root: String) throws(ImageError) {
        self.store = store
        self.root = root
        do { try FileManager.default.createDirectory(atPath: "\(root)/tmp", withIntermediateDirectories: true) } catch {
            throw .io(root, "\(error)")
        }
    }

    /// The directories of the image's layers, lowest first, unpacking those not cached yet.
    public func layers(of manifest: ImageManifest) throws -> [String] {
        try manifest.layers.map { try directory(for: $0) }
    }

    /// The directory of one layer, unpacked on first use.
    public func directory(for layer: Descriptor) throws -> String {
        let destination = "\(root)/\(layer.digest.algorithm)-\(layer.digest.hex)"
        if FileManager.default.fileExists(atPath: destination) { return destination }
        let scratch = "\(root)/tmp/\(UUID().uuidString)"
        do {
            try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
            try LayerUnpacker(root: scratch, whiteouts: .overlay).apply(blob: store.blobPath(layer.digest), mediaType: layer.mediaType)
        } catch {
            try? FileManager.default.removeItem(atPath: scratch)
            throw error as? ImageError ?? .layer("\(layer.digest.short): \(error)")
        }
        if rename(scratch, destination) != 0 {
            // Another process unpacked the same layer first: theirs is as good as ours.
            try? FileManager.default.removeItem(atPath: scratch)
            guard FileManager.default.fileExists(atPath: destination) else {
                throw ImageError.io(destination, String(cString: strerror(errno)))
            }
        }
        return destination
    }
}
