import Manifests
import TargetKit

/// What the Kubernetes API needs from the target behind it: the target itself (server-side apply, reads, deletion),
/// its object store (resource versions, watches, managed fields), and writes through the target's own admission
/// (validation and normalisation, routing checked by the mesh), each answering with the warnings it earns (fields
/// the target accepts but does not honour).
public protocol KubernetesBackend: Target {
    var store: ObjectStore { get }

    /// Writes a whole object as `manager` after admission (create, update, non-apply patch); `dryRun` stores nothing.
    func write(
        _ object: ManifestValue, key: ObjectKey, manager: String, mode: ObjectStore.WriteMode, expectedVersion: String?, dryRun: Bool
    ) async throws -> (object: ManifestValue, warnings: [String])

    /// Server-side apply of one configuration, which may be partial: what it makes of the live object is checked, not
    /// the configuration alone. `dryRun` stores nothing.
    func serverSideApply(_ configuration: ManifestValue, key: ObjectKey, manager: String, force: Bool, dryRun: Bool) async throws -> (
        object: ManifestValue, warnings: [String]
    )

    /// Replaces the status of an object (the `status` subresource).
    func writeStatus(_ status: ManifestValue, of key: ObjectKey) async throws -> ManifestValue

    /// Deletes an object; a pod stops with `gracePeriodSeconds` instead of its own grace period when given.
    func delete(_ key: ObjectKey, gracePeriodSeconds: Int?) async throws -> Bool

    /// The file a pod's output is written to, nil for no such pod.
    func podLogFile(_ key: ObjectKey) async -> String?
}
