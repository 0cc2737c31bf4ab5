import Manifests

extension FieldOwnership {
    /// The API server's `metadata.managedFields`: one entry per manager, its fields as a FieldsV1 tree (`f:spec` →
    /// `f:replicas` → `{}`), lists atomic. Managers without a record (stores from before records were kept) show as
    /// `Update` entries.
    public func managedFields(apiVersion: String) -> ManifestValue {
        .array(
            managers.keys.sorted().compactMap { manager in
                guard let fields = managers[manager], !fields.isEmpty else { return nil }
                let record = records?[manager]
                var entry: [String: ManifestValue] = [
                    "manager": .string(manager), "operation": .string(record?.operation ?? "Update"),
                    "apiVersion": .string(record?.apiVersion ?? apiVersion), "fieldsType": .string("FieldsV1"),
                    "fieldsV1": Self.fieldsV1(fields),
                ]
                if let time = record?.time { entry["time"] = .string(time) }
                if let subresource = record?.subresource { entry["subresource"] = .string(subresource) }
                return .object(entry)
            })
    }

    static func fieldsV1(_ fields: Set<[String]>) -> ManifestValue {
        var tree: ManifestValue = .object([:])
        for field in fields {
            let path = field.map { "f:" + $0 }
            // A field that is a prefix of another stays a map; the leaf is `{}` either way.
            if tree.value(at: path) == nil { tree.set(.object([:]), at: path) }
        }
        return tree
    }
}

extension FieldOwnership {
    /// Ownership as a client wrote it in `metadata.managedFields` (kubectl rewrites them once when it moves an object
    /// from client-side to server-side apply). Keyed list items (`k:`, `v:`, `i:`) count as their whole list, as lists
    /// are owned whole here. Nil when the value is not a list of entries.
    public init?(managedFields: ManifestValue) {
        guard let entries = managedFields.array else { return nil }
        self.init()
        var records: [String: ManagerRecord] = [:]
        for entry in entries {
            guard let manager = entry["manager"]?.string else { return nil }
            var fields: Set<[String]> = []
            Self.collect(entry["fieldsV1"] ?? .object([:]), path: [], into: &fields)
            managers[manager, default: []].formUnion(fields)
            records[manager] = ManagerRecord(
                operation: entry["operation"]?.string ?? "Update", apiVersion: entry["apiVersion"]?.string ?? "",
                time: entry["time"]?.string ?? "", subresource: entry["subresource"]?.string)
        }
        managers = managers.filter { !$0.value.isEmpty }
        self.records = records.filter { managers[$0.key] != nil }
    }

    private static func collect(_ tree: ManifestValue, path: [String], into fields: inout Set<[String]>) {
        let children = tree.object ?? [:]
        let named = children.keys.filter { $0.hasPrefix("f:") }
        let keyed = children.keys.contains { $0.hasPrefix("k:") || $0.hasPrefix("v:") || $0.hasPrefix("i:") }
        if named.isEmpty || keyed {
            if !path.isEmpty { fields.insert(path) }
            return
        }
        for key in named { collect(children[key] ?? .object([:]), path: path + [String(key.dropFirst(2))], into: &fields) }
    }
}
