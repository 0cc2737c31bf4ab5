import CDispatch
import Foundation
import Glibc
import OCI

/// Makes a base image from a root filesystem directory or a tar file (`slipway image import`), so builds work offline,
/// e.g. from Debian's `busybox-static`.
public struct ImageImporter {
    let store: ImageStore

    public init(store: ImageStore) { self.store = store }

    public func importImage(
        from source: String, tag: ImageReference, sourceDateEpoch: Int64? = nil,
        config: ImageConfig.ContainerConfig = ImageConfig.ContainerConfig()
    ) throws -> Descriptor {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: source, isDirectory: &isDirectory) else {
            throw ImageError.io(source, "no such file or directory")
        }
        let created = ImageBuilder.timestamp(sourceDateEpoch ?? Int64(Date().timeIntervalSince1970))
        let layer: Descriptor
        let diffID: Digest
        if isDirectory.boolValue {
            let writer = try LayerWriter(store: store, clampTime: sourceDateEpoch)
            do {
                for path in FileTree.sorted(Array(FileTree.scan(source).nodes.keys)) { try writer.addFromDisk(root: source, path: path) }
                (layer, diffID) = try writer.finish()
            } catch {
                writer.abandon()
                throw error
            }
        } else {
            (layer, diffID) = try compressTar(source)
        }
        let platform = Platform.current
        var imageConfig = ImageConfig(
            architecture: platform.architecture, os: platform.os, variant: platform.variant, config: config,
            rootfs: .init(diffIDs: [diffID]),
            history: [.init(created: created, createdBy: "slipway image import \((source as NSString).lastPathComponent)")],
            created: created)
        if imageConfig.config.env == nil { imageConfig.config.env = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"] }
        let configDescriptor = try store.writeBlob(try CanonicalJSON.encode(imageConfig), mediaType: MediaType.ociConfig)
        let manifest = ImageManifest(config: configDescriptor, layers: [layer])
        let descriptor = try store.writeBlob(try CanonicalJSON.encode(manifest), mediaType: MediaType.ociManifest)
        try store.tag(tag, descriptor)
        return descriptor
    }

    /// A plain or gzip tar as a gzip layer: the diff ID is the digest of the uncompressed tar.
    func compressTar(_ path: String) throws -> (Descriptor, Digest) {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw ImageError.io(path, String(cString: strerror(errno))) }
        defer { close(descriptor) }
        let blob = try store.blobWriter()
        let compressor = try GzipCompressor()
        var diff = DigestHasher()
        var decompressor: GzipDecompressor?
        var first = true
        var buffer = [UInt8](repeating: 0, count: 256 * 1024)
        do {
            try buffer.withUnsafeMutableBytes { raw in
                while true {
                    let count = read(descriptor, raw.baseAddress, raw.count)
                    if count < 0 { throw ImageError.io(path, String(cString: strerror(errno))) }
                    if count == 0 { break }
                    let chunk = UnsafeRawBufferPointer(rebasing: raw[..<count])
                    if first, count >= 2, chunk[0] == 0x1f, chunk[1] == 0x8b { decompressor = try GzipDecompressor() }
                    first = false
                    let feed: (UnsafeRawBufferPointer) throws -> Void = { plain in
                        diff.update(plain)
                        try compressor.compress(plain) { try blob.write($0) }
                    }
                    if let decompressor { try decompressor.decompress(chunk, sink: feed) } else { try feed(chunk) }
                }
            }
            try compressor.finish { try blob.write($0) }
            let (digest, size) = try blob.commit()
            return (Descriptor(mediaType: MediaType.ociLayerGzip, digest: digest, size: size), diff.finalize())
        } catch {
            blob.abandon()
            throw error
        }
    }
}
