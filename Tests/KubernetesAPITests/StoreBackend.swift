import Foundation
import KubernetesAPI
import Manifests
import TargetKit

/// The Kubernetes API's backend over an object store alone: no pods, no mesh, every object accepted as it is.
/// For the API's own behaviour (HTTP, paging, watches, patches, errors) without a local target.
actor StoreBackend: KubernetesBackend {
    let store = ObjectStore()

    func apply(_ objects: [ManifestValue], fieldManager: String, force: Bool) async throws -> [AppliedObject] {
        var pairs: [(key: ObjectKey, object: ManifestValue)] = []
        for object in objects {
            guard let key = ObjectKey.of(object) else { throw TargetError.invalid("unknown kind") }
            pairs.append((key, object))
        }
        return try await store.apply(pairs, manager: fieldManager, force: force).map { AppliedObject(key: $0.0, outcome: $0.1) }
    }

    func get(_ key: ObjectKey) async throws -> ManifestValue? { await store.get(key) }

    func list(_ kind: ObjectKind, namespace: String?) async throws -> [ManifestValue] { await store.list(kind, namespace: namespace) }

    func delete(_ key: ObjectKey, gracePeriodSeconds: Int?) async throws -> Bool { try await delete(key) }

    func delete(_ key: ObjectKey) async throws -> Bool {
        if key.kind == .namespace {
            for other in await store.keys() where other.namespace == key.name { await store.remove(other) }
        }
        return await store.remove(key) != nil
    }

    func watch() async -> AsyncStream<ObjectEvent> { await store.watch() }

    func write(
        _ object: ManifestValue, key: ObjectKey, manager: String, mode: ObjectStore.WriteMode, expectedVersion: String?, dryRun: Bool
    ) async throws -> (object: ManifestValue, warnings: [String]) {
        if key.kind.isNamespaced, await store.get(ObjectKey(.namespace, name: key.namespace)) == nil {
            throw TargetError.notFound("namespaces \"\(key.namespace)\"")
        }
        return (try await store.write(object, key: key, manager: manager, mode: mode, expectedVersion: expectedVersion, dryRun: dryRun), [])
    }

    func serverSideApply(_ configuration: ManifestValue, key: ObjectKey, manager: String, force: Bool, dryRun: Bool) async throws -> (
        object: ManifestValue, warnings: [String]
    ) {
        if dryRun { return (try await store.previewApply(configuration, key: key, manager: manager, force: force), []) }
        _ = try await store.apply([(key, configuration)], manager: manager, force: force)
        return (await store.get(key) ?? configuration, [])
    }

    func writeStatus(_ status: ManifestValue, of key: ObjectKey) async throws -> ManifestValue {
        guard await store.setStatus(status, of: key), let object = await store.get(key) else { throw TargetError.notFound(key.description) }
        return object
    }

    func podLogFile(_ key: ObjectKey) async -> String? { nil }
}
