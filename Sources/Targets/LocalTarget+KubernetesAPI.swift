import KubernetesAPI
import Manifests
import TargetKit

/// The local target behind the Kubernetes API: kubectl's writes go through the same admission and the same
/// reconcile pass as `slipway local apply`.
extension LocalTarget: KubernetesBackend {
    public func write(
        _ object: ManifestValue, key: ObjectKey, manager: String, mode: ObjectStore.WriteMode, expectedVersion: String?, dryRun: Bool
    ) async throws -> (object: ManifestValue, warnings: [String]) {
        let checked = try ObjectValidator.check(object)
        guard checked.key == key else { throw TargetError.invalid("the object names \(checked.key), the request \(key)") }
        if key.kind.isNamespaced, await store.get(ObjectKey(.namespace, name: key.namespace)) == nil {
            throw TargetError.notFound("namespaces \"\(key.namespace)\"")
        }
        if dryRun {
            let stored = try await store.write(
                checked.object, key: key, manager: manager, mode: mode, expectedVersion: expectedVersion, dryRun: true)
            return (stored, warnings(for: checked))
        }
        let undo = await routingBefore([key])
        let stored = try await store.write(checked.object, key: key, manager: manager, mode: mode, expectedVersion: expectedVersion)
        try await settle(undo, what: "write")
        return (await store.get(key) ?? stored, warnings(for: checked))
    }

    public func serverSideApply(_ configuration: ManifestValue, key: ObjectKey, manager: String, force: Bool, dryRun: Bool) async throws
        -> (
            object: ManifestValue, warnings: [String]
        )
    {
        var configuration = configuration
        configuration["status"] = nil
        // kubectl's second apply (`kubectl-last-applied`) carries one annotation: the result is what must be valid.
        let merged = try await store.previewApply(configuration, key: key, manager: manager, force: force)
        let checked = try ObjectValidator.check(merged)
        guard checked.key == key else { throw TargetError.invalid("the object names \(checked.key), the request \(key)") }
        if key.kind.isNamespaced, await store.get(ObjectKey(.namespace, name: key.namespace)) == nil {
            throw TargetError.notFound("namespaces \"\(key.namespace)\"")
        }
        if dryRun { return (checked.object, warnings(for: checked)) }
        // A whole configuration is normalised as `apply` normalises it (a Secret's stringData folded into data).
        let stored = (try? ObjectValidator.check(configuration))?.object ?? configuration
        let undo = await routingBefore([key])
        _ = try await store.apply([(key, stored)], manager: manager, force: force)
        try await settle(undo)
        return (await store.get(key) ?? checked.object, warnings(for: checked))
    }

    public func writeStatus(_ status: ManifestValue, of key: ObjectKey) async throws -> ManifestValue {
        guard key.kind.isActedOn == false || key.kind.isBuiltIn == false else {
            throw TargetError.invalid(
                "The \(key.kind.kind) \"\(key.name)\" is invalid: status: Forbidden: the local target's controllers own the status of \(key.kind.resource)"
            )
        }
        guard await store.setStatus(status, of: key), let stored = await store.get(key) else {
            throw TargetError.notFound("\(key.kind.resource) \"\(key.name)\"")
        }
        return stored
    }

    public func podLogFile(_ key: ObjectKey) async -> String? {
        guard key.kind == .pod, await store.get(key) != nil else { return nil }
        return await logFile(of: key)
    }

    /// Fields accepted without effect here, said once per object and field as `apply` says them.
    private func warnings(for checked: ObjectValidator.Checked) -> [String] {
        checked.ignoredFields.map { $0.hasPrefix("kind ") ? $0 : "\($0) is ignored by the local target" }
    }
}
