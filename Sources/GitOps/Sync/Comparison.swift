import Manifests
import TargetKit

/// Desired state at a revision against live state.
public struct Comparison: Sendable {
    public enum Status: String, Sendable, Hashable, Codable {
        case synced = "Synced"
        case outOfSync = "OutOfSync"
    }

    public struct Resource: Sendable {
        public var key: ObjectKey
        public var desired: ManifestValue?
        public var live: ManifestValue?
        /// Paths that differ (empty when in sync); for an object to prune, why.
        public var differences: [String]
        public var ignored: [ManifestDiff.IgnoredPath]

        public var inSync: Bool { differences.isEmpty }
    }

    public var revision: String
    public var resources: [Resource]
    public var notes: [String]

    public var status: Status { resources.allSatisfy(\.inSync) ? .synced : .outOfSync }

    public var health: Health {
        HealthCheck.aggregate(resources.filter { $0.desired != nil }.map { (desired: true, live: $0.live) })
    }
}
