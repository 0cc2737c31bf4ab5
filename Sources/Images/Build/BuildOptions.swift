/// What `slipway image build` was asked to do.
public struct BuildOptions: Sendable {
    public var context: String
    public var dockerfile: String
    public var tags: [ImageReference]
    public var buildArgs: [String: String]
    public var target: String?
    public var noCache: Bool
    /// Clamps file times and fixes `created` for reproducible images (`SOURCE_DATE_EPOCH`).
    public var sourceDateEpoch: Int64?

    public init(context: String, dockerfile: String, tags: [ImageReference] = [], buildArgs: [String: String] = [:], target: String? = nil,
                noCache: Bool = false, sourceDateEpoch: Int64? = nil) {
        self.context = context
        self.dockerfile = dockerfile
        self.tags = tags
        self.buildArgs = buildArgs
        self.target = target
        self.noCache = noCache
        self.sourceDateEpoch = sourceDateEpoch
    }
}

/// The image a build produced.
public struct BuildResult: Sendable {
    /// The manifest's descriptor; its digest is what a registry reports after a push.
    public var manifest: Descriptor
    /// The config digest (Docker's image ID).
    public var imageID: Digest
    public var cacheHits: Int
    public var layersBuilt: Int
}
