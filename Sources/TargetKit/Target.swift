import Manifests

/// Where desired state runs: objects are applied with server-side-apply semantics under a field manager, read back
/// with their live status, deleted, and watched. The local target implements it on this machine; a Kubernetes
/// target implements it against an API server.
public protocol Target: Sendable {
    /// Applies objects as `fieldManager`; all are checked before any is stored. `force` takes over fields another
    /// manager owns instead of failing with a conflict.
    func apply(_ objects: [ManifestValue], fieldManager: String, force: Bool) async throws -> [AppliedObject]
    /// The live object with its status, or nil.
    func get(_ key: ObjectKey) async throws -> ManifestValue?
    /// Live objects of a kind, in one namespace or all.
    func list(_ kind: ObjectKind, namespace: String?) async throws -> [ManifestValue]
    /// Deletes an object (pods stop gracefully, owned objects follow); false when there was none.
    func delete(_ key: ObjectKey) async throws -> Bool
    /// Every later change.
    func watch() async -> AsyncStream<ObjectEvent>
}
