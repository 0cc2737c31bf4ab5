import Foundation
import Manifests
import TargetKit

/// A target that only stores objects: applies merge what is sent over what is there (status kept, generation
/// bumped on a spec change), Deployments report themselves available at once unless told otherwise. For sync and
/// release logic whose tests do not need pods.
public actor MemoryTarget: Target {
    public private(set) var objects: [ObjectKey: ManifestValue] = [:]
    public private(set) var applies: [(manager: String, keys: [ObjectKey])] = []
    private var watchers: [AsyncStream<ObjectEvent>.Continuation] = []
    /// Deployments get an available status on apply (as if their pods started at once).
    public var deploymentsBecomeAvailable = true

    public init() {}

    public func setDeploymentsBecomeAvailable(_ value: Bool) { deploymentsBecomeAvailable = value }

    public func apply(_ objects: [ManifestValue], fieldManager: String, force: Bool) async throws -> [AppliedObject] {
        var results: [AppliedObject] = []
        var keys: [ObjectKey] = []
        for object in objects {
            guard let key = ObjectKey.of(object) else { throw MemoryTargetError(description: "unknown kind in \(object.jsonText)") }
            keys.append(key)
            let existing = self.objects[key]
            var merged = existing.map { Self.merge(object, over: $0) } ?? object
            merged["status"] = existing?["status"]
            let changed = existing.map { Self.without($0, "status") != Self.without(merged, "status") } ?? true
            let generation = (existing?.value(at: ["metadata", "generation"])?.int ?? 0) + (changed ? 1 : 0)
            merged.set(.int(generation), at: ["metadata", "generation"])
            if key.kind == .deployment, deploymentsBecomeAvailable {
                let replicas = merged.value(at: ["spec", "replicas"])?.int ?? 1
                merged["status"] = .object([
                    "observedGeneration": .int(generation), "replicas": .int(replicas), "updatedReplicas": .int(replicas),
                    "readyReplicas": .int(replicas), "availableReplicas": .int(replicas),
                ])
            }
            self.objects[key] = merged
            results.append(AppliedObject(key: key, outcome: existing == nil ? .created : changed ? .configured : .unchanged))
            if changed { emit(ObjectEvent(change: existing == nil ? .added : .modified, key: key, object: merged)) }
        }
        applies.append((fieldManager, keys))
        return results
    }

    public func get(_ key: ObjectKey) async throws -> ManifestValue? { objects[key] }

    public func list(_ kind: ObjectKind, namespace: String?) async throws -> [ManifestValue] {
        objects.filter { $0.key.kind == kind && (namespace == nil || $0.key.namespace == namespace) }.sorted { $0.key < $1.key }.map(\.value)
    }

    public func delete(_ key: ObjectKey) async throws -> Bool {
        guard let object = objects.removeValue(forKey: key) else { return false }
        emit(ObjectEvent(change: .deleted, key: key, object: object))
        return true
    }

    public func watch() async -> AsyncStream<ObjectEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: ObjectEvent.self)
        watchers.append(continuation)
        return stream
    }

    /// Changes a live object as another writer would (drift).
    public func mutate(_ key: ObjectKey, _ change: @Sendable (inout ManifestValue) -> Void) {
        guard var object = objects[key] else { return }
        change(&object)
        objects[key] = object
        emit(ObjectEvent(change: .modified, key: key, object: object))
    }

    private func emit(_ event: ObjectEvent) { for watcher in watchers { watcher.yield(event) } }

    static func without(_ object: ManifestValue, _ field: String) -> ManifestValue {
        var copy = object
        copy[field] = nil
        copy.set(.null, at: ["metadata", "generation"])
        return copy
    }

    /// Objects merge key by key; everything else (lists included) is replaced.
    static func merge(_ new: ManifestValue, over old: ManifestValue) -> ManifestValue {
        guard case .object(let newFields) = new, case .object(var oldFields) = old else { return new }
        for (key, value) in newFields { oldFields[key] = oldFields[key].map { merge(value, over: $0) } ?? value }
        return .object(oldFields)
    }
}

public struct MemoryTargetError: Error, CustomStringConvertible {
    public var description: String
}
