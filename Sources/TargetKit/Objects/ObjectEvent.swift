import Manifests

/// A change to an object, as a watch reports it.
public struct ObjectEvent: Sendable, Hashable {
    public enum Change: String, Sendable, Hashable, Codable {
        case added = "ADDED"
        case modified = "MODIFIED"
        case deleted = "DELETED"
    }

    public var change: Change
    public var key: ObjectKey
    /// The object after the change (before it, for a deletion).
    public var object: ManifestValue
    /// The store's resource version once the change was made (0 when not known).
    public var resourceVersion: Int
    /// The object before a modification, when the store knows it: a watch with a selector tells from it whether the
    /// object entered, stayed in or left the selection.
    public var previous: ManifestValue?

    public init(change: Change, key: ObjectKey, object: ManifestValue, resourceVersion: Int = 0, previous: ManifestValue? = nil) {
        self.change = change
        self.key = key
        self.object = object
        self.resourceVersion = resourceVersion
        self.previous = previous
    }
}

/// What an apply did to one object, as `kubectl apply` prints it.
public struct AppliedObject: Sendable, Hashable {
    public enum Outcome: String, Sendable, Hashable {
        case created, configured, unchanged
    }

    public var key: ObjectKey
    public var outcome: Outcome
    /// Fields accepted but without effect on this target, and references that point nowhere (once per object).
    public var warnings: [String]

    public init(key: ObjectKey, outcome: Outcome, warnings: [String] = []) {
        self.key = key
        self.outcome = outcome
        self.warnings = warnings
    }
}
