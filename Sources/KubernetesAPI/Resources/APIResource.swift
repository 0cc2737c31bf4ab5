import TargetKit

/// One resource of the Kubernetes API as discovery describes it: `deployments` in `apps`, its kind, versions,
/// scope, short names, categories and subresources.
public struct APIResource: Sendable, Hashable {
    public var kind: ObjectKind
    /// The plural, lower-case name in URLs (`deployments`).
    public var name: String
    public var singular: String
    /// Served versions, the preferred (storage) one first.
    public var versions: [String]
    public var shortNames: [String]
    public var categories: [String]
    public var subresources: [Subresource]
    /// Whether clients may write it (pods and ReplicaSets belong to the local target's controllers).
    public var writable: Bool
    /// Derived when read (Endpoints, EndpointSlices): only get and list.
    public var derived = false

    public struct Subresource: Sendable, Hashable {
        public var name: String
        public var group: String
        public var version: String
        public var kind: String
        public var verbs: [String]
    }

    public var isNamespaced: Bool { kind.isNamespaced }
    public var group: String { kind.group }

    public var verbs: [String] {
        if derived { return ["get", "list"] }
        return writable
            ? ["create", "delete", "get", "list", "patch", "update", "watch"]
            : ["delete", "get", "list", "watch"]
    }

    /// `deployments.apps`, as the API server names a resource in its messages.
    public var qualifiedName: String { group.isEmpty ? name : "\(name).\(group)" }

    public func groupVersion(_ version: String) -> String { group.isEmpty ? version : "\(group)/\(version)" }
}
