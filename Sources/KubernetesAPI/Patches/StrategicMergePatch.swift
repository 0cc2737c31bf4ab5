import Manifests

/// Kubernetes' strategic merge patch (`application/strategic-merge-patch+json`) for the built-in kinds: lists with a
/// merge key (containers by `name`, ports by `containerPort`, …) merge item by item, other lists are replaced, and
/// the directives `$patch` (replace, merge, delete), `$retainKeys`, `$setElementOrder/…` and
/// `$deleteFromPrimitiveList/…` are honoured.
public enum StrategicMergePatch {
    /// How a list field merges, from the struct tags of the Kubernetes API types.
    public enum ListStrategy: Sendable, Hashable {
        case replace
        case mergeByKey(String)
        case mergePrimitives
    }

    /// The strategy of the list at `path` (field names only, no indices).
    public static func strategy(for path: [String]) -> ListStrategy {
        guard let field = path.last else { return .replace }
        let parent = path.dropLast()
        let inContainer = parent.last.map { ["containers", "initContainers", "ephemeralContainers"].contains($0) } ?? false
        switch field {
        case "containers", "initContainers", "ephemeralContainers", "imagePullSecrets", "volumes", "resourceClaims", "schedulingGates":
            return .mergeByKey("name")
        case "env" where inContainer: return .mergeByKey("name")
        case "ports" where inContainer: return .mergeByKey("containerPort")
        case "ports": return .mergeByKey("port")
        case "volumeMounts": return .mergeByKey("mountPath")
        case "volumeDevices": return .mergeByKey("devicePath")
        case "hostAliases": return .mergeByKey("ip")
        case "conditions": return .mergeByKey("type")
        case "ownerReferences": return .mergeByKey("uid")
        case "topologySpreadConstraints": return .mergeByKey("topologyKey")
        case "finalizers" where parent.last == "metadata": return .mergePrimitives
        default: return .replace
        }
    }

    public static func apply(_ patch: ManifestValue, to original: ManifestValue) throws(APIStatus) -> ManifestValue {
        guard case .object(let changes) = patch else {
            throw .badRequest("json: cannot unmarshal \(patch.jsonTypeName) into Go value of type map[string]interface {}")
        }
        return try mergeMap(changes, into: original.object ?? [:], path: []).map(ManifestValue.object) ?? .object([:])
    }

    /// The merged map, or nil when the patch deletes it (`$patch: delete`).
    private static func mergeMap(_ patch: [String: ManifestValue], into original: [String: ManifestValue], path: [String]) throws(APIStatus)
        -> [String: ManifestValue]?
    {
        switch patch["$patch"]?.string {
        case "replace": return clean(patch)
        case "delete": return nil
        case nil, "merge": break
        case let other?: throw .badRequest("Unknown patch type: \(other) in map: \(ManifestValue.object(patch).jsonText)")
        }
        var result = original
        if let retain = patch["$retainKeys"] {
            guard let keys = retain.array?.compactMap(\.string) else { throw .badRequest("$retainKeys must be a list of strings") }
            result = result.filter { keys.contains($0.key) }
        }
        for (key, value) in patch where !key.hasPrefix("$") {
            let fieldPath = path + [key]
            switch value {
            case .null:
                result[key] = nil
            case .object(let nested):
                if case .object(let existing)? = result[key] {
                    result[key] = try mergeMap(nested, into: existing, path: fieldPath).map(ManifestValue.object)
                } else {
                    result[key] = try mergeMap(nested, into: [:], path: fieldPath).map(ManifestValue.object)
                }
            case .array(let items):
                result[key] = .array(try mergeList(items, into: result[key]?.array ?? [], path: fieldPath))
            default:
                result[key] = value
            }
        }
        for (key, value) in patch where key.hasPrefix("$deleteFromPrimitiveList/") {
            let field = String(key.dropFirst("$deleteFromPrimitiveList/".count))
            let doomed = value.array ?? []
            if let list = result[field]?.array { result[field] = .array(list.filter { !doomed.contains($0) }) }
        }
        for (key, value) in patch where key.hasPrefix("$setElementOrder/") {
            let field = String(key.dropFirst("$setElementOrder/".count))
            guard let list = result[field]?.array, let order = value.array else { continue }
            result[field] = .array(reorder(list, by: order, strategy: strategy(for: path + [field])))
        }
        return result
    }

    private static func mergeList(_ patch: [ManifestValue], into original: [ManifestValue], path: [String]) throws(APIStatus)
        -> [ManifestValue]
    {
        let strategy = strategy(for: path)
        if patch.contains(where: { $0["$patch"]?.string == "replace" && $0.object?.count == 1 }) {
            return patch.filter { !($0["$patch"]?.string == "replace" && $0.object?.count == 1) }.map(cleanValue)
        }
        switch strategy {
        case .replace:
            return patch.map(cleanValue)
        case .mergePrimitives:
            var result = original
            for item in patch where !result.contains(item) { result.append(item) }
            return result
        case .mergeByKey(let key):
            var result = original
            for item in patch {
                guard case .object(let fields) = item else {
                    if !result.contains(item) { result.append(item) }
                    continue
                }
                let identity = fields[key]
                let index = identity.flatMap { identity in result.firstIndex { $0[key] == identity } }
                if fields["$patch"]?.string == "delete" {
                    if let identity { result.removeAll { $0[key] == identity } }
                    continue
                }
                if let index {
                    if let merged = try mergeMap(fields, into: result[index].object ?? [:], path: path) {
                        result[index] = .object(merged)
                    } else {
                        result.remove(at: index)
                    }
                } else if let created = try mergeMap(fields, into: [:], path: path) {
                    result.append(.object(created))
                }
            }
            return result
        }
    }

    /// Orders a merged list as `$setElementOrder` says; items it does not name keep their place after them.
    private static func reorder(_ list: [ManifestValue], by order: [ManifestValue], strategy: ListStrategy) -> [ManifestValue] {
        func identity(_ item: ManifestValue) -> ManifestValue {
            if case .mergeByKey(let key) = strategy { return item[key] ?? item }
            return item
        }
        var remaining = list
        var result: [ManifestValue] = []
        for wanted in order {
            let wantedIdentity = identity(wanted)
            if let index = remaining.firstIndex(where: { identity($0) == wantedIdentity }) {
                result.append(remaining.remove(at: index))
            }
        }
        return result + remaining
    }

    private static func clean(_ map: [String: ManifestValue]) -> [String: ManifestValue] {
        map.filter { !$0.key.hasPrefix("$") }.mapValues(cleanValue)
    }

    private static func cleanValue(_ value: ManifestValue) -> ManifestValue {
        switch value {
        case .object(let fields): .object(clean(fields))
        case .array(let items): .array(items.map(cleanValue))
        default: value
        }
    }
}
