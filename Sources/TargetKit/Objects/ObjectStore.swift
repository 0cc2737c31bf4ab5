import Core
import Foundation
import Manifests

/// The local target's API server state: every object with its server-side-apply field ownership, resource
/// versions, generations, and watchers. An apply of several objects is checked whole before any is stored, so a bad
/// object leaves nothing half-applied. Kept as one JSON file under the data directory, replaced atomically.
public actor ObjectStore {
    struct Entry: Sendable, Codable {
        var object: ManifestValue
        var ownership: FieldOwnership
    }

    private var entries: [ObjectKey: Entry] = [:]
    private var resourceVersion = 0
    private var dirty = false
    private var watchers: [UUID: AsyncStream<ObjectEvent>.Continuation] = [:]
    /// The latest changes, for watches that start from a resource version (etcd keeps a window the same way).
    private var history: [ObjectEvent] = []
    static let historyLimit = 4096
    private let file: String?
    private let clock: @Sendable () -> Date

    /// A store kept in `file` (loaded when it exists), or in memory only when nil.
    public init(file: String?, clock: @escaping @Sendable () -> Date = { Date() }) throws {
        self.file = file
        self.clock = clock
        if let file, let data = FileManager.default.contents(atPath: file) {
            do {
                let saved = try JSONDecoder().decode(SavedFile.self, from: data)
                entries = Dictionary(
                    uniqueKeysWithValues: saved.entries.map { ($0.key, Entry(object: $0.object, ownership: $0.ownership)) })
                resourceVersion = saved.resourceVersion
            } catch {
                throw TargetError.invalid("\(file): the local target's object store cannot be read (\(error)); move it away to start empty")
            }
        }
        if entries[ObjectKey(.namespace, name: "default")] == nil {
            resourceVersion += 1
            let (key, entry) = Self.defaultNamespace(version: resourceVersion, now: clock())
            entries[key] = entry
        }
    }

    /// A store in memory only.
    public init(clock: @escaping @Sendable () -> Date = { Date() }) {
        file = nil
        self.clock = clock
        resourceVersion = 1
        let (key, entry) = Self.defaultNamespace(version: 1, now: clock())
        entries = [key: entry]
    }

    /// Every store has the `default` namespace, as every API server does.
    private static func defaultNamespace(version: Int, now: Date) -> (ObjectKey, Entry) {
        let object: ManifestValue = .object([
            "apiVersion": .string("v1"), "kind": .string("Namespace"), "metadata": .object(["name": .string("default")]),
        ])
        return (
            ObjectKey(.namespace, name: "default"), Entry(object: stamp(object, version: version, now: now), ownership: FieldOwnership())
        )
    }

    // MARK: Reading

    public func get(_ key: ObjectKey) -> ManifestValue? { entries[key]?.object }

    /// Objects of a kind, optionally in one namespace, by name.
    public func list(_ kind: ObjectKind, namespace: String? = nil) -> [ManifestValue] {
        entries.filter { $0.key.kind == kind && (namespace == nil || $0.key.namespace == namespace) }
            .sorted { $0.key < $1.key }.map(\.value.object)
    }

    public func keys() -> [ObjectKey] { entries.keys.sorted() }

    /// Objects of a kind (in one namespace or all) by namespace and name, with the resource version they were read at,
    /// from which a watch continues without missing a change.
    public func snapshot(_ kind: ObjectKind, namespace: String? = nil) -> (objects: [ManifestValue], resourceVersion: Int) {
        (list(kind, namespace: namespace), resourceVersion)
    }

    /// Field managers of an object and the fields each owns (dotted paths).
    public func managers(of key: ObjectKey) -> [String: [String]] {
        (entries[key]?.ownership.managers ?? [:]).mapValues { $0.map { "." + $0.joined(separator: ".") }.sorted() }
    }

    /// The managed fields of an object, as the API server shows them in `metadata.managedFields`.
    public func managedFields(of key: ObjectKey) -> ManifestValue? {
        entries[key].map { $0.ownership.managedFields(apiVersion: key.kind.preferredAPIVersion) }
    }

    /// Every change after resource version `version`, then every later one; nil when changes after `version` are no
    /// longer kept (the caller answers 410 Expired and the client lists again).
    public func watch(after version: Int) -> AsyncStream<ObjectEvent>? {
        if version < resourceVersion {
            guard let oldest = history.first?.resourceVersion, version >= oldest - 1 else { return nil }
        }
        let (stream, continuation) = AsyncStream<ObjectEvent>.makeStream(bufferingPolicy: .unbounded)
        for event in history where event.resourceVersion > version { continuation.yield(event) }
        let id = UUID()
        watchers[id] = continuation
        continuation.onTermination = { [weak self] _ in Task { await self?.stopWatching(id) } }
        return stream
    }

    /// Every later change; the stream ends when the consumer stops iterating.
    public func watch() -> AsyncStream<ObjectEvent> {
        let (stream, continuation) = AsyncStream<ObjectEvent>.makeStream(bufferingPolicy: .unbounded)
        let id = UUID()
        watchers[id] = continuation
        continuation.onTermination = { [weak self] _ in Task { await self?.stopWatching(id) } }
        return stream
    }

    private func stopWatching(_ id: UUID) { watchers[id] = nil }

    // MARK: Writing

    /// Server-side apply of `objects` (already checked) as `manager`. All objects or none.
    public func apply(_ objects: [(key: ObjectKey, object: ManifestValue)], manager: String, force: Bool) throws(TargetError) -> [(
        ObjectKey, AppliedObject.Outcome
    )] {
        let (staged, outcomes) = try stage(objects, manager: manager, force: force)
        for (key, outcome) in outcomes where outcome != .unchanged {
            guard var entry = staged[key] else { continue }
            resourceVersion += 1
            if outcome == .created {
                entry.object = Self.stamp(entry.object, version: resourceVersion, now: clock())
            } else {
                entry.object.set(.string(String(resourceVersion)), at: ["metadata", "resourceVersion"])
            }
            let previous = entries[key]?.object
            entries[key] = entry
            notify(ObjectEvent(change: outcome == .created ? .added : .modified, key: key, object: entry.object, previous: previous))
        }
        for (key, outcome) in outcomes where outcome == .unchanged {
            if let entry = staged[key] { entries[key]?.ownership = entry.ownership }
        }
        changed()
        flush()
        return outcomes
    }

    /// What a server-side apply of one object would store, without storing it (`dryRun=All`).
    public func previewApply(_ object: ManifestValue, key: ObjectKey, manager: String, force: Bool) throws(TargetError) -> ManifestValue {
        let (staged, _) = try stage([(key, object)], manager: manager, force: force)
        return staged[key]?.object ?? object
    }

    private func stage(_ objects: [(key: ObjectKey, object: ManifestValue)], manager: String, force: Bool) throws(TargetError) -> (
        [ObjectKey: Entry], [(ObjectKey, AppliedObject.Outcome)]
    ) {
        var staged: [ObjectKey: Entry] = [:]
        var outcomes: [(ObjectKey, AppliedObject.Outcome)] = []
        let now = Timestamp.format(clock())
        for (key, config) in objects {
            let existing = staged[key] ?? entries[key]
            var ownership = existing?.ownership ?? FieldOwnership()
            let live = existing?.object ?? .object([:])
            switch ownership.apply(config, to: live, manager: manager, force: force) {
            case .failure(let failure):
                throw .conflict(key, failure.list)
            case .success(var merged):
                merged["apiVersion"] = .string(key.kind.preferredAPIVersion)
                merged["kind"] = .string(key.kind.kind)
                merged.set(.string(key.name), at: ["metadata", "name"])
                if key.kind.isNamespaced { merged.set(.string(key.namespace), at: ["metadata", "namespace"]) }
                if let existing {
                    if merged == existing.object {
                        outcomes.append((key, .unchanged))
                        staged[key] = Entry(object: merged, ownership: ownership)
                        continue
                    }
                    if Self.specChanged(existing.object, merged) {
                        merged.set(
                            .int((existing.object.value(at: ["metadata", "generation"])?.int ?? 1) + 1), at: ["metadata", "generation"])
                    }
                    outcomes.append((key, .configured))
                } else {
                    outcomes.append((key, .created))
                }
                ownership.record(
                    manager, FieldOwnership.ManagerRecord(operation: "Apply", apiVersion: key.kind.preferredAPIVersion, time: now))
                staged[key] = Entry(object: merged, ownership: ownership)
            }
        }
        return (staged, outcomes)
    }

    /// How ``write(_:key:manager:mode:expectedVersion:dryRun:)`` treats an object that exists or does not.
    public enum WriteMode: Sendable {
        /// The object must not exist (POST).
        case create
        /// The object must exist (PUT, PATCH).
        case update
    }

    /// Writes a whole object as `manager`, the API server's create, update or non-apply patch (an `Update` in
    /// `managedFields`): server-set metadata and the status are kept, the generation moves when the spec changes, the
    /// manager comes to own the fields it changed, and fields it removed are nobody's any more. `expectedVersion` is
    /// an optimistic lock. A write that changes nothing keeps the resource version. With `dryRun`, nothing is stored.
    public func write(
        _ object: ManifestValue, key: ObjectKey, manager: String, mode: WriteMode, expectedVersion: String? = nil, dryRun: Bool = false
    ) throws(TargetError) -> ManifestValue {
        let existing = entries[key]
        // Managed fields written out replace the bookkeeping, as they do on an API server; otherwise they are ignored.
        let written = object.value(at: ["metadata", "managedFields"]).flatMap {
            $0.array?.isEmpty == false ? FieldOwnership(managedFields: $0) : nil
        }
        let shown = existing.map { $0.ownership.managedFields(apiVersion: key.kind.preferredAPIVersion) }
        switch mode {
        case .create: if existing != nil { throw .alreadyExists(key) }
        case .update:
            if existing == nil {
                throw .notFound("\(key.kind.resource)\(key.kind.group.isEmpty ? "" : "." + key.kind.group) \"\(key.name)\"")
            }
        }
        if let expectedVersion, !expectedVersion.isEmpty, let existing,
            existing.object.value(at: ["metadata", "resourceVersion"])?.string != expectedVersion
        {
            throw .modified(key)
        }
        var next = object
        next["apiVersion"] = .string(key.kind.preferredAPIVersion)
        next["kind"] = .string(key.kind.kind)
        next.set(.string(key.name), at: ["metadata", "name"])
        if key.kind.isNamespaced { next.set(.string(key.namespace), at: ["metadata", "namespace"]) }
        next.remove(at: ["metadata", "managedFields"])
        next["status"] = existing?.object["status"]
        var ownership = existing?.ownership ?? FieldOwnership()
        if let existing {
            for field in ["uid", "creationTimestamp", "generation", "resourceVersion", "deletionTimestamp", "deletionGracePeriodSeconds"] {
                if let value = existing.object.value(at: ["metadata", field]) {
                    next.set(value, at: ["metadata", field])
                } else {
                    next.remove(at: ["metadata", field])
                }
            }
            if next == existing.object, written == nil || object.value(at: ["metadata", "managedFields"]) == shown { return next }
            if Self.specChanged(existing.object, next) {
                next.set(.int((existing.object.value(at: ["metadata", "generation"])?.int ?? 1) + 1), at: ["metadata", "generation"])
            }
        }
        let before = FieldOwnership.fields(of: existing?.object ?? .object([:]))
        let after = FieldOwnership.fields(of: next)
        let touched = after.filter { existing?.object.value(at: $0) != next.value(at: $0) }
        for gone in before.subtracting(after) {
            for manager in ownership.managers.keys { ownership.managers[manager]?.remove(gone) }
        }
        // Removing a leaf can make its parent a leaf: nobody owns that either until someone sets it.
        ownership.managers = ownership.managers.mapValues { $0.intersection(after) }.filter { !$0.value.isEmpty }
        if let written, object.value(at: ["metadata", "managedFields"]) != shown {
            ownership = written
        } else {
            ownership.update(Set(touched), by: manager)
            ownership.record(
                manager,
                FieldOwnership.ManagerRecord(operation: "Update", apiVersion: key.kind.preferredAPIVersion, time: Timestamp.format(clock()))
            )
        }
        if dryRun {
            return existing == nil ? Self.stamp(next, version: resourceVersion, now: clock()) : next
        }
        resourceVersion += 1
        if existing == nil {
            next = Self.stamp(next, version: resourceVersion, now: clock())
        } else {
            next.set(.string(String(resourceVersion)), at: ["metadata", "resourceVersion"])
        }
        entries[key] = Entry(object: next, ownership: ownership)
        notify(ObjectEvent(change: existing == nil ? .added : .modified, key: key, object: next, previous: existing?.object))
        changed()
        flush()
        return next
    }

    /// Creates or replaces an object the runtime itself owns (ReplicaSets, Pods), keeping its status.
    @discardableResult
    public func put(_ object: ManifestValue, key: ObjectKey, manager: String) -> ManifestValue {
        var object = object
        object.set(.string(key.name), at: ["metadata", "name"])
        if key.kind.isNamespaced { object.set(.string(key.namespace), at: ["metadata", "namespace"]) }
        resourceVersion += 1
        let change: ObjectEvent.Change
        let previous = entries[key]?.object
        if var entry = entries[key] {
            for field in ["uid", "creationTimestamp", "generation"] {
                if let value = entry.object.value(at: ["metadata", field]) { object.set(value, at: ["metadata", field]) }
            }
            if object["status"] == nil, let status = entry.object["status"] { object["status"] = status }
            if Self.specChanged(entry.object, object) {
                object.set(.int((entry.object.value(at: ["metadata", "generation"])?.int ?? 1) + 1), at: ["metadata", "generation"])
            }
            object.set(.string(String(resourceVersion)), at: ["metadata", "resourceVersion"])
            if object == entry.object { return object }
            entry.ownership.update(FieldOwnership.fields(of: object), by: manager)
            entry.object = object
            entries[key] = entry
            change = .modified
        } else {
            object = Self.stamp(object, version: resourceVersion, now: clock())
            var ownership = FieldOwnership()
            ownership.update(FieldOwnership.fields(of: object), by: manager)
            entries[key] = Entry(object: object, ownership: ownership)
            change = .added
        }
        notify(ObjectEvent(change: change, key: key, object: object, previous: previous))
        changed()
        return object
    }

    /// Replaces an object's status (the status subresource); false when the object is gone.
    @discardableResult
    public func setStatus(_ status: ManifestValue, of key: ObjectKey) -> Bool {
        guard var entry = entries[key] else { return false }
        if entry.object["status"] == status { return true }
        let previous = entry.object
        resourceVersion += 1
        entry.object["status"] = status
        entry.object.set(.string(String(resourceVersion)), at: ["metadata", "resourceVersion"])
        entries[key] = entry
        notify(ObjectEvent(change: .modified, key: key, object: entry.object, previous: previous))
        changed()
        return true
    }

    /// Sets metadata fields (annotations, deletionTimestamp, ...) without a generation change.
    package func setMetadata(_ value: ManifestValue?, field: [String], of key: ObjectKey) {
        guard var entry = entries[key] else { return }
        let path = ["metadata"] + field
        if entry.object.value(at: path) == value { return }
        let previous = entry.object
        if let value { entry.object.set(value, at: path) } else { entry.object.remove(at: path) }
        resourceVersion += 1
        entry.object.set(.string(String(resourceVersion)), at: ["metadata", "resourceVersion"])
        entries[key] = entry
        notify(ObjectEvent(change: .modified, key: key, object: entry.object, previous: previous))
        changed()
    }

    /// Removes an object; nil when there was none.
    @discardableResult
    public func remove(_ key: ObjectKey) -> ManifestValue? {
        guard var entry = entries.removeValue(forKey: key) else { return nil }
        resourceVersion += 1
        entry.object.set(.string(String(resourceVersion)), at: ["metadata", "resourceVersion"])
        notify(ObjectEvent(change: .deleted, key: key, object: entry.object))
        changed()
        return entry.object
    }

    /// The stored state of `keys` (nil for absent ones), for putting it back with ``restore(_:)``.
    package struct Saved: Sendable {
        fileprivate var entries: [ObjectKey: Entry?]
    }

    package func save(_ keys: [ObjectKey]) -> Saved {
        Saved(entries: Dictionary(keys.map { ($0, entries[$0]) }, uniquingKeysWith: { first, _ in first }))
    }

    /// Puts objects back as `saved` had them (removing those that did not exist), under new resource versions:
    /// an apply the runtime could not carry out is undone whole.
    package func restore(_ saved: Saved) {
        for (key, entry) in saved.entries.sorted(by: { $0.key < $1.key }) {
            if let entry {
                resourceVersion += 1
                var restored = entry
                restored.object.set(.string(String(resourceVersion)), at: ["metadata", "resourceVersion"])
                let previous = entries[key]?.object
                entries[key] = restored
                notify(ObjectEvent(change: previous != nil ? .modified : .added, key: key, object: restored.object, previous: previous))
            } else if var gone = entries.removeValue(forKey: key) {
                resourceVersion += 1
                gone.object.set(.string(String(resourceVersion)), at: ["metadata", "resourceVersion"])
                notify(ObjectEvent(change: .deleted, key: key, object: gone.object))
            }
        }
        changed()
        flush()
    }

    // MARK: Helpers

    private func notify(_ event: ObjectEvent) {
        var event = event
        event.resourceVersion = resourceVersion
        history.append(event)
        if history.count > Self.historyLimit + 512 { history.removeFirst(history.count - Self.historyLimit) }
        for continuation in watchers.values { continuation.yield(event) }
    }

    /// Anything but metadata and status changed: the object's generation moves.
    static func specChanged(_ old: ManifestValue, _ new: ManifestValue) -> Bool {
        var a = old
        var b = new
        for key in ["metadata", "status", "apiVersion"] {
            a[key] = nil
            b[key] = nil
        }
        return a != b
    }

    static func stamp(_ object: ManifestValue, version: Int, now: Date) -> ManifestValue {
        var object = object
        object.set(.string(UUID().uuidString.lowercased()), at: ["metadata", "uid"])
        object.set(.string(Timestamp.format(now)), at: ["metadata", "creationTimestamp"])
        object.set(.int(1), at: ["metadata", "generation"])
        object.set(.string(String(version)), at: ["metadata", "resourceVersion"])
        return object
    }

    private struct SavedFile: Codable {
        struct Item: Codable {
            var key: ObjectKey
            var object: ManifestValue
            var ownership: FieldOwnership
        }

        var resourceVersion: Int
        var entries: [Item]
    }

    /// Marks the file stale; the runtime's writes (pod status, ReplicaSets) are many per second, so they reach the
    /// file when `flush()` runs (after each apply, and after each of the runtime's reconcile passes).
    private func changed() { dirty = true }

    /// Writes the file if anything changed since it was last written.
    public func flush() {
        guard let file, dirty else { return }
        dirty = false
        let saved = SavedFile(
            resourceVersion: resourceVersion,
            entries: entries.sorted { $0.key < $1.key }.map {
                SavedFile.Item(key: $0.key, object: $0.value.object, ownership: $0.value.ownership)
            })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(saved) else { return }
        // Secrets live in this file: owner only, from the moment it exists.
        try? AtomicFile.write(data, to: file, permissions: 0o600)
    }
}
