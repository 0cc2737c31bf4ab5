import OCI

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
    /// Labels set on the image over the Dockerfile's (`--label`, build-push-action's `labels`).
    public var labels: [String: String]
    /// Annotations on the image manifest (`--annotation`).
    public var annotations: [String: String]

    public init(
        context: String, dockerfile: String, tags: [ImageReference] = [], buildArgs: [String: String] = [:], target: String? = nil,
        noCache: Bool = false, sourceDateEpoch: Int64? = nil, labels: [String: String] = [:], annotations: [String: String] = [:]
    ) {
        self.context = context
        self.dockerfile = dockerfile
        self.tags = tags
        self.buildArgs = buildArgs
        self.target = target
        self.noCache = noCache
        self.sourceDateEpoch = sourceDateEpoch
        self.labels = labels
        self.annotations = annotations
    }
}

extension BuildOptions {
    /// `--build-arg` entries: `KEY=VALUE`, or a bare `KEY` that takes its value from `environment` (the ones the
    /// environment lacks are returned as unset).
    public static func arguments(_ entries: [String], environment: [String: String]) -> (values: [String: String], unset: [String]) {
        var values: [String: String] = [:]
        var unset: [String] = []
        for entry in entries {
            if let equals = entry.firstIndex(of: "=") {
                values[String(entry[..<equals])] = String(entry[entry.index(after: equals)...])
            } else if let value = environment[entry] {
                values[entry] = value
            } else {
                unset.append(entry)
            }
        }
        return (values, unset)
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
