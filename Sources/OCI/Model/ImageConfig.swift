/// An image configuration (image-spec `config.md`, with Docker's `Healthcheck` and `Shell` kept as they are).
public struct ImageConfig: Codable, Hashable, Sendable {
    public var created: String?
    public var author: String?
    public var architecture: String
    public var os: String
    public var variant: String?
    public var config: ContainerConfig
    public var rootfs: RootFS
    public var history: [History]?

    public init(
        architecture: String, os: String, variant: String? = nil, config: ContainerConfig = ContainerConfig(),
        rootfs: RootFS = RootFS(diffIDs: []), history: [History]? = nil, created: String? = nil
    ) {
        self.architecture = architecture
        self.os = os
        self.variant = variant
        self.config = config
        self.rootfs = rootfs
        self.history = history
        self.created = created
    }

    /// The runtime settings of a container started from the image.
    public struct ContainerConfig: Codable, Hashable, Sendable {
        public var user: String?
        public var exposedPorts: [String: EmptyObject]?
        public var env: [String]?
        public var entrypoint: [String]?
        public var cmd: [String]?
        public var volumes: [String: EmptyObject]?
        public var workingDir: String?
        public var labels: [String: String]?
        public var stopSignal: String?
        public var healthcheck: Healthcheck?
        public var shell: [String]?
        public var onBuild: [String]?

        enum CodingKeys: String, CodingKey {
            case user = "User"
            case exposedPorts = "ExposedPorts"
            case env = "Env"
            case entrypoint = "Entrypoint"
            case cmd = "Cmd"
            case volumes = "Volumes"
            case workingDir = "WorkingDir"
            case labels = "Labels"
            case stopSignal = "StopSignal"
            case healthcheck = "Healthcheck"
            case shell = "Shell"
            case onBuild = "OnBuild"
        }

        public init() {}

        /// The value of `name` in `Env`.
        public func environment(_ name: String) -> String? {
            for entry in env ?? [] where entry.hasPrefix(name + "=") { return String(entry.dropFirst(name.count + 1)) }
            return nil
        }

        /// Sets `name` in `Env`, replacing an existing entry in place.
        public mutating func setEnvironment(_ name: String, _ value: String) {
            var list = env ?? []
            if let index = list.firstIndex(where: { $0.hasPrefix(name + "=") || $0 == name }) {
                list[index] = "\(name)=\(value)"
            } else {
                list.append("\(name)=\(value)")
            }
            env = list
        }
    }

    /// Docker's health check; durations in nanoseconds.
    public struct Healthcheck: Codable, Hashable, Sendable {
        public var test: [String]?
        public var interval: Int64?
        public var timeout: Int64?
        public var startPeriod: Int64?
        public var startInterval: Int64?
        public var retries: Int?

        enum CodingKeys: String, CodingKey {
            case test = "Test"
            case interval = "Interval"
            case timeout = "Timeout"
            case startPeriod = "StartPeriod"
            case startInterval = "StartInterval"
            case retries = "Retries"
        }

        public init(test: [String]) { self.test = test }
    }

    public struct RootFS: Codable, Hashable, Sendable {
        public var type: String = "layers"
        public var diffIDs: [Digest]

        enum CodingKeys: String, CodingKey {
            case type
            case diffIDs = "diff_ids"
        }

        public init(diffIDs: [Digest]) { self.diffIDs = diffIDs }
    }

    public struct History: Codable, Hashable, Sendable {
        public var created: String?
        public var createdBy: String?
        public var comment: String?
        public var emptyLayer: Bool?

        enum CodingKeys: String, CodingKey {
            case created, comment
            case createdBy = "created_by"
            case emptyLayer = "empty_layer"
        }

        public init(created: String?, createdBy: String?, comment: String? = nil, emptyLayer: Bool? = nil) {
            self.created = created
            self.createdBy = createdBy
            self.comment = comment
            self.emptyLayer = emptyLayer
        }
    }
}

/// `{}` in JSON (exposed ports, volumes).
public struct EmptyObject: Codable, Hashable, Sendable {
    public init() {}
}
