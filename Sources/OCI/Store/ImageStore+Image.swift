import Foundation

extension ImageStore {
    /// A stored image as a pod or a build stage uses it: the manifest chosen for this machine and its config.
    public struct StoredImage: Sendable {
        /// The manifest's descriptor (an index's entry for this platform, when the name points to an index).
        public var descriptor: Descriptor
        public var manifest: ImageManifest
        public var config: ImageConfig
    }

    /// The image `reference` names, resolving an index to this platform's manifest (or its first one); nil when the
    /// store does not hold the name.
    public func image(_ reference: ImageReference) throws(ImageError) -> StoredImage? {
        guard var descriptor = try resolve(reference) else { return nil }
        var data = try readBlob(descriptor.digest)
        // A name may point to an index whose descriptor was recorded without the index media type.
        if MediaType.isIndex(descriptor.mediaType)
            || MediaType.isIndex((try? JSONDecoder().decode(MediaTypeProbe.self, from: data))?.mediaType)
        {
            let index = try CanonicalJSON.decode(ImageIndex.self, from: data, what: "index of \(reference.familiar)")
            let platform = Platform.current
            guard let match = index.manifest(for: platform) ?? index.manifests.first else {
                throw .notFound("a manifest for \(platform.os)/\(platform.architecture) in \(reference.familiar)")
            }
            descriptor = match
            data = try readBlob(match.digest)
        }
        let manifest = try CanonicalJSON.decode(ImageManifest.self, from: data, what: "manifest of \(reference.familiar)")
        let config = try CanonicalJSON.decode(
            ImageConfig.self, from: try readBlob(manifest.config.digest), what: "config of \(reference.familiar)")
        return StoredImage(descriptor: descriptor, manifest: manifest, config: config)
    }
}
