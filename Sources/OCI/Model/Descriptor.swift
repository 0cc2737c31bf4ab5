import CDispatch
import Glibc

/// An OCI content descriptor: what a manifest says about a blob.
public struct Descriptor: Codable, Hashable, Sendable {
    public var mediaType: String
    public var digest: Digest
    public var size: Int64
    public var annotations: [String: String]?
    public var platform: Platform?
    public var artifactType: String?

    public init(mediaType: String, digest: Digest, size: Int64, annotations: [String: String]? = nil, platform: Platform? = nil) {
        self.mediaType = mediaType
        self.digest = digest
        self.size = size
        self.annotations = annotations
        self.platform = platform
    }
}

/// The platform of an image in an index.
public struct Platform: Codable, Hashable, Sendable {
    public var architecture: String
    public var os: String
    public var variant: String?

    enum CodingKeys: String, CodingKey {
        case architecture, os, variant
    }

    public init(architecture: String, os: String, variant: String? = nil) {
        self.architecture = architecture
        self.os = os
        self.variant = variant
    }

    /// The platform of this machine, in Go's names.
    public static var current: Platform {
        #if arch(arm64)
            Platform(architecture: "arm64", os: "linux", variant: "v8")
        #else
            Platform(architecture: "amd64", os: "linux")
        #endif
    }
}
