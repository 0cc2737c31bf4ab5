import Foundation
import Manifests
import TargetKit

/// A target that only keeps objects — the local target's object store without pods or a mesh: server-side apply
/// with field managers and force, resource versions, generations, watch. Deployments report themselves available
/// at once unless told otherwise. For sync and release logic whose tests do not need pods.
public actor MemoryTarget: Target {
    public let store: ObjectStore
    public private(set) var applies: [(manager: String, keys: [ObjectKey])] = []
    /// Deployments get an available status on apply (as if their pods started at once).
    public var deploymentsBecomeAvailable = true

    public init() { store = ObjectStore() }

    public func setDeploymentsBecomeAvailable(_ value: Bool) { deploymentsBecomeAvailable = value }

    /// Every object, by key.
    public var objects: [ObjectKey: ManifestValue] {
        get async {
            var all: [ObjectKey: ManifestValue] = [:]
            for key in await store.keys() { all[key] = await store.get(key) }
            return all
        }
    }

    public func apply(_ objects: [ManifestValue], fieldManager: String, force: Bool) async throws -> [AppliedObject] {
        var pairs: [(key: ObjectKey, object: ManifestValue)] = []
        for object in objects {
            guard let key = ObjectKey.of(object) else { throw MemoryTargetError(description: "unknown kind in \(object.jsonText)") }
            guard !pairs.contains(where: { $0.key == key }) else { throw TargetError.invalid("\(key) appears twice in one apply") }
            pairs.append((key, object))
        }
        // As an API server: a namespaced object needs its namespace, created before or in the same apply.
        let namespaces = Set(pairs.filter { $0.key.kind == .namespace }.map(\.key.name))
        for (key, _) in pairs where key.kind.isNamespaced && !namespaces.contains(key.namespace) {
            if await store.get(ObjectKey(.namespace, name: key.namespace)) == nil {
                throw TargetError.notFound("namespaces \"\(key.namespace)\"")
            }
        }
        let outcomes = try await store.apply(pairs, manager: fieldManager, force: force)
        applies.append((fieldManager, pairs.map(\.key)))
        for (key, _) in outcomes where key.kind == .deployment && deploymentsBecomeAvailable {
            guard let live = await store.get(key) else { continue }
            let replicas = live.value(at: ["spec", "replicas"])?.int ?? 1
            let generation = live.value(at: ["metadata", "generation"])?.int ?? 1
            await store.setStatus(
                .object([
                    "observedGeneration": .int(generation), "replicas": .int(replicas), "updatedReplicas": .int(replicas),
                    "readyReplicas": .int(replicas), "availableReplicas": .int(replicas),
                ]), of: key)
        }
        return outcomes.map { AppliedObject(key: $0.0, outcome: $0.1) }
    }

    public func get(_ key: ObjectKey) async throws -> ManifestValue? { await store.get(key) }

    public func list(_ kind: ObjectKind, namespace: String?) async throws -> [ManifestValue] {
        await store.list(kind, namespace: namespace)
    }

    public func delete(_ key: ObjectKey) async throws -> Bool { await store.remove(key) != nil }

    public func watch() async -> AsyncStream<ObjectEvent> { await store.watch() }

    /// Changes a live object as another writer would (drift).
    public func mutate(_ key: ObjectKey, _ change: @Sendable (inout ManifestValue) -> Void) async {
        guard var object = await store.get(key) else { return }
        change(&object)
        await store.put(object, key: key, manager: "kubectl-edit")
    }
}

public struct MemoryTargetError: Error, CustomStringConvertible {
    public var description: String
}
