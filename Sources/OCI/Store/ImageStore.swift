import CDispatch
import Core
import Foundation
import Glibc

/// Images on disk as an OCI image layout (`oci-layout`, `index.json`, `blobs/sha256/…`), so skopeo and umoci can read
/// it (`oci:<root>:<reference>`). Blobs are written to `tmp/` and renamed into place only after their digest checks,
/// so a crash or an interrupted pull never leaves a half-written blob or image behind; `index.json` is replaced
/// atomically under a lock.
public struct ImageStore: Sendable {
    public let root: String

    /// The default store: `$SLIPWAY_IMAGE_STORE`, else the `images` cache directory.
    public static var defaultRoot: String {
        if let explicit = ProcessInfo.processInfo.environment["SLIPWAY_IMAGE_STORE"], !explicit.isEmpty { return explicit }
        return CacheDirectory.path(for: "images")
    }

    public init(root: String = ImageStore.defaultRoot) throws(ImageError) {
        self.root = root
        do {
            try FileManager.default.createDirectory(atPath: "\(root)/blobs/sha256", withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: "\(root)/tmp", withIntermediateDirectories: true)
            if !FileManager.default.fileExists(atPath: "\(root)/oci-layout") {
                try Data(#"{"imageLayoutVersion":"1.0.0"}"#.utf8).write(to: URL(fileURLWithPath: "\(root)/oci-layout"), options: .atomic)
            }
        } catch {
            throw .io(root, "cannot create the image store: \(error.localizedDescription)")
        }
    }

    // MARK: Blobs

    public func blobPath(_ digest: Digest) -> String { "\(root)/blobs/\(digest.algorithm)/\(digest.hex)" }

    public func hasBlob(_ digest: Digest) -> Bool { FileManager.default.fileExists(atPath: blobPath(digest)) }

    public func blobSize(_ digest: Digest) -> Int64? {
        (try? FileManager.default.attributesOfItem(atPath: blobPath(digest))[.size] as? NSNumber)?.int64Value
    }

    public func readBlob(_ digest: Digest) throws(ImageError) -> Data {
        guard let data = FileManager.default.contents(atPath: blobPath(digest)) else { throw .notFound("blob \(digest) in \(root)") }
        return data
    }

    /// Stores `data` (verified against `expected` when given) and returns its descriptor.
    @discardableResult
    public func writeBlob(_ data: Data, mediaType: String, expected: Digest? = nil) throws(ImageError) -> Descriptor {
        let digest = Digest.sha256(of: data)
        if let expected, expected != digest {
            throw .digestMismatch(expected: expected.description, actual: digest.description, what: mediaType)
        }
        if !hasBlob(digest) {
            let temporary = temporaryPath()
            do {
                try data.write(to: URL(fileURLWithPath: temporary))
                try moveIntoPlace(temporary, digest)
            } catch {
                try? FileManager.default.removeItem(atPath: temporary)
                throw .io(blobPath(digest), "cannot write blob: \(error)")
            }
        }
        return Descriptor(mediaType: mediaType, digest: digest, size: Int64(data.count))
    }

    /// Starts a streamed blob write; call `commit` when all bytes are in.
    public func blobWriter() throws(ImageError) -> BlobWriter { try BlobWriter(store: self, path: temporaryPath()) }

    package func temporaryPath() -> String { "\(root)/tmp/\(UUID().uuidString)" }

    func moveIntoPlace(_ temporary: String, _ digest: Digest) throws {
        let destination = blobPath(digest)
        try FileManager.default.createDirectory(
            atPath: FilePathText.parent(of: destination), withIntermediateDirectories: true)
        if rename(temporary, destination) != 0 {
            throw ImageError.io(destination, String(cString: strerror(errno)))
        }
    }

    // MARK: References

    /// The images the store knows by name, sorted by name.
    public func references() throws(ImageError) -> [(name: String, descriptor: Descriptor)] {
        try readIndex().manifests.compactMap { descriptor in
            descriptor.annotations?[ImageStore.refAnnotation].map { ($0, descriptor) }
        }.sorted { $0.name < $1.name }
    }

    public func resolve(_ reference: ImageReference) throws(ImageError) -> Descriptor? {
        if let digest = reference.digest {
            guard let size = blobSize(digest) else { return nil }
            let data = try readBlob(digest)
            let type = (try? JSONDecoder().decode(MediaTypeProbe.self, from: data))?.mediaType ?? MediaType.ociManifest
            return Descriptor(mediaType: type, digest: digest, size: size)
        }
        let name = reference.description
        return try readIndex().manifests.first { $0.annotations?[ImageStore.refAnnotation] == name }
    }

    /// Names `descriptor` as `reference`, replacing what that name meant before.
    public func tag(_ reference: ImageReference, _ descriptor: Descriptor) throws(ImageError) {
        try updateIndex { index in
            let name = reference.description
            index.manifests.removeAll { $0.annotations?[ImageStore.refAnnotation] == name }
            var entry = descriptor
            entry.annotations = [ImageStore.refAnnotation: name]
            index.manifests.append(entry)
            index.manifests.sort { ($0.annotations?[ImageStore.refAnnotation] ?? "") < ($1.annotations?[ImageStore.refAnnotation] ?? "") }
        }
    }

    public func untag(_ reference: ImageReference) throws(ImageError) {
        try updateIndex { index in index.manifests.removeAll { $0.annotations?[ImageStore.refAnnotation] == reference.description } }
    }

    static let refAnnotation = "org.opencontainers.image.ref.name"

    package struct MediaTypeProbe: Decodable { package var mediaType: String? }

    func readIndex() throws(ImageError) -> ImageIndex {
        guard let data = FileManager.default.contents(atPath: "\(root)/index.json") else { return ImageIndex(manifests: []) }
        return try CanonicalJSON.decode(ImageIndex.self, from: data, what: "\(root)/index.json")
    }

    private func updateIndex(_ change: (inout ImageIndex) -> Void) throws(ImageError) {
        let lockPath = "\(root)/index.lock"
        let descriptor = open(lockPath, O_CREAT | O_RDWR, 0o644)
        guard descriptor >= 0 else { throw .io(lockPath, String(cString: strerror(errno))) }
        defer { close(descriptor) }
        flock(descriptor, LOCK_EX)
        defer { flock(descriptor, LOCK_UN) }
        var index = try readIndex()
        change(&index)
        let data = try CanonicalJSON.encode(index)
        do { try data.write(to: URL(fileURLWithPath: "\(root)/index.json"), options: .atomic) } catch {
            throw .io("\(root)/index.json", "\(error)")
        }
    }
}

/// A blob being written: bytes are hashed as they arrive and the file is renamed into place by `commit`.
public final class BlobWriter {
    let store: ImageStore
    let path: String
    private let handle: FileHandle
    private var hasher = DigestHasher()
    private var closed = false

    init(store: ImageStore, path: String) throws(ImageError) {
        self.store = store
        self.path = path
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw .io(path, "cannot create a temporary blob")
        }
        self.handle = handle
    }

    deinit {
        if !closed {
            try? handle.close()
            try? FileManager.default.removeItem(atPath: path)
        }
    }

    public var count: Int64 { hasher.count }

    public func write(_ buffer: UnsafeRawBufferPointer) throws {
        hasher.update(buffer)
        try handle.write(contentsOf: buffer)
    }

    public func write(_ data: Data) throws {
        hasher.update(data)
        try handle.write(contentsOf: data)
    }

    /// Verifies the digest (when given), renames the file into place and returns the digest and size.
    @discardableResult
    public func commit(expected: Digest? = nil) throws(ImageError) -> (digest: Digest, size: Int64) {
        closed = true
        try? handle.close()
        let digest = hasher.finalize()
        if let expected, expected != digest {
            try? FileManager.default.removeItem(atPath: path)
            throw .digestMismatch(expected: expected.description, actual: digest.description, what: "blob")
        }
        if store.hasBlob(digest) {
            try? FileManager.default.removeItem(atPath: path)
        } else {
            do { try store.moveIntoPlace(path, digest) } catch {
                try? FileManager.default.removeItem(atPath: path)
                throw .io(store.blobPath(digest), "\(error)")
            }
        }
        return (digest, hasher.count)
    }

    /// Empties the blob to write it again from the start.
    public func restart() throws {
        try handle.truncate(atOffset: 0)
        hasher = DigestHasher()
    }

    /// Drops the partial blob.
    public func abandon() {
        closed = true
        try? handle.close()
        try? FileManager.default.removeItem(atPath: path)
    }
}
