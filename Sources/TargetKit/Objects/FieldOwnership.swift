import Manifests

/// Server-side apply's bookkeeping: which manager set which fields. A field is a path of object keys; lists are
/// atomic (owned and replaced whole), like `x-kubernetes-list-type: atomic`.
public struct FieldOwnership: Sendable, Hashable, Codable {
    public var managers: [String: Set<[String]>] = [:]
    /// How each manager last wrote (the API server's `managedFields` entries); absent in stores written before they were kept.
    public var records: [String: ManagerRecord]?

    /// One manager's last write: `Apply` (server-side apply) or `Update` (create, update, patch), with its time.
    public struct ManagerRecord: Sendable, Hashable, Codable {
        public var operation: String
        public var apiVersion: String
        public var time: String
        public var subresource: String?

        public init(operation: String, apiVersion: String, time: String, subresource: String? = nil) {
            self.operation = operation
            self.apiVersion = apiVersion
            self.time = time
            self.subresource = subresource
        }
    }

    /// Notes how `manager` wrote; managers that own nothing any more are forgotten.
    mutating func record(_ manager: String, _ record: ManagerRecord) {
        var all = records ?? [:]
        if managers[manager] != nil { all[manager] = record }
        records = all.filter { managers[$0.key] != nil }
    }

    public init() {}

    /// The leaf fields of an applied configuration, without identity, status and server-set metadata.
    package static func fields(of object: ManifestValue) -> Set<[String]> {
        var result: Set<[String]> = []
        collect(object, path: [], into: &result)
        return result.filter { path in
            guard let first = path.first else { return false }
            if ["apiVersion", "kind", "status"].contains(first) { return false }
            if first == "metadata", path.count >= 2 {
                return ![
                    "name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp", "managedFields", "deletionTimestamp",
                ]
                .contains(path[1])
            }
            return true
        }
    }

    private static func collect(_ value: ManifestValue, path: [String], into result: inout Set<[String]>) {
        if case .object(let fields) = value, !fields.isEmpty {
            for (key, child) in fields { collect(child, path: path + [key], into: &result) }
        } else if !path.isEmpty {
            result.insert(path)
        }
    }

    /// A conflict: another manager owns a field with a different value.
    public struct Conflict: Error, Sendable, Hashable {
        public var manager: String
        public var field: [String]

        public init(manager: String, field: [String]) {
            self.manager = manager
            self.field = field
        }
    }

    /// Every conflict of one apply.
    public struct Conflicts: Error, Sendable, Hashable {
        public var list: [Conflict]
    }

    /// Applies `config` as `manager` to `live`: sets every field of the configuration, removes the fields this
    /// manager set before and no longer sets (unless another manager owns them too), and records ownership.
    /// Conflicting fields fail the apply unless `force` takes them over.
    package mutating func apply(_ config: ManifestValue, to live: ManifestValue, manager: String, force: Bool) -> Result<
        ManifestValue, Conflicts
    > {
        let applied = Self.fields(of: config)
        var conflicts: [Conflict] = []
        for (other, owned) in managers where other != manager {
            for field in owned.intersection(applied) where live.value(at: field) != config.value(at: field) {
                conflicts.append(Conflict(manager: other, field: field))
            }
        }
        if !conflicts.isEmpty, !force {
            return .failure(
                Conflicts(
                    list: conflicts.sorted { ($0.manager, $0.field.joined(separator: ".")) < ($1.manager, $1.field.joined(separator: ".")) }
                ))
        }
        for conflict in conflicts { managers[conflict.manager]?.remove(conflict.field) }
        var result = live
        let others = managers.filter { $0.key != manager }.values.reduce(into: Set<[String]>()) { $0.formUnion($1) }
        for field in (managers[manager] ?? []).subtracting(applied) where !others.contains(field) {
            result.remove(at: field)
        }
        for field in applied.sorted(by: { $0.count < $1.count }) {
            if let value = config.value(at: field) { result.set(value, at: field) }
        }
        managers[manager] = applied
        managers = managers.filter { !$0.value.isEmpty }
        return .success(result)
    }

    /// Records that `manager` wrote these fields outside of an apply (an update such as `scale`).
    package mutating func update(_ fields: Set<[String]>, by manager: String) {
        for key in managers.keys where key != manager { managers[key]?.subtract(fields) }
        managers[manager, default: []].formUnion(fields)
        managers = managers.filter { !$0.value.isEmpty }
    }
}
