/// Strategic merge patches as kustomize (kyaml merge2) applies them: maps merge, `key: null` deletes,
/// `$patch: delete|replace`, lists of built-in kinds merge by their OpenAPI merge key with the patch's elements first
/// and the remaining originals after them; lists without a merge key — and every list of a custom resource, which
/// has no schema — are replaced. `$setElementOrder/...` directives are not interpreted and stay in the output.
enum StrategicMerge {
    /// The merged object, or nil when the patch deletes it.
    /// Fields the merged object holds as null are gone afterwards where kyaml's walk reaches them (a map emptied so
    /// stays, as `{}`) — except the target's nulls written out as `null` or `~` (`explicitNulls`, by path), which
    /// kyaml keeps.
    static func apply(
        _ patch: ManifestValue, to target: ManifestValue, builtin: Bool, kind: String, explicitNulls: Set<[String]> = []
    ) throws(KustomizeError) -> ManifestValue? {
        guard let patchFields = patch.object else { return patch }
        let context = Context(builtin: builtin, kind: kind, path: [])
        guard let merged = try mergeMap(target.object, patchFields, context: context) else { return nil }
        var path: [String] = []
        return droppingNulls(merged, context: context, keeping: explicitNulls, path: &path)
    }

    /// The null fields a merge leaves behind dropped, as kyaml's walk does: maps are walked throughout and lists with
    /// a merge key element by element; other lists are taken whole. Nulls written out (`null`, `~`: the paths in
    /// `kept`, list positions as decimal text) survive.
    static func droppingNulls(_ value: ManifestValue, context: Context, keeping kept: Set<[String]>, path: inout [String]) -> ManifestValue
    {
        guard case .object(let fields) = value else { return value }
        var result: [String: ManifestValue] = [:]
        for (key, field) in fields {
            path.append(key)
            defer { path.removeLast() }
            let inner = context.appending(key)
            switch field {
            case .null:
                if kept.contains(path) { result[key] = field }
            case .object:
                result[key] = droppingNulls(field, context: inner, keeping: kept, path: &path)
            case .array(let items) where mergeKey(field: key, context: inner) != nil:
                var walked: [ManifestValue] = []
                for (offset, item) in items.enumerated() {
                    path.append(String(offset))
                    walked.append(droppingNulls(item, context: inner, keeping: kept, path: &path))
                    path.removeLast()
                }
                result[key] = .array(walked)
            default:
                result[key] = field
            }
        }
        return .object(result)
    }

    struct Context {
        var builtin: Bool
        var kind: String
        var path: [String]
        func appending(_ key: String) -> Context { Context(builtin: builtin, kind: kind, path: path + [key]) }
    }

    static func directive(_ fields: [String: ManifestValue]) -> String? { fields["$patch"]?.string }

    /// kyaml's node kinds, for its "wrong node kind" error.
    static func nodeKind(_ value: ManifestValue) -> String {
        switch value {
        case .object: "MappingNode"
        case .array: "SequenceNode"
        default: "ScalarNode"
        }
    }

    static func mergeMap(
        _ dest: [String: ManifestValue]?, _ patch: [String: ManifestValue], context: Context
    ) throws(KustomizeError) -> ManifestValue? {
        switch directive(patch) {
        case "delete":
            return nil
        case "replace":
            var replaced = patch
            replaced["$patch"] = nil
            return try mergeMap(nil, replaced, context: context)
        default:
            break
        }
        var result = dest ?? [:]
        for (key, value) in patch where key != "$patch" {
            let inner = context.appending(key)
            // A patch may replace a field only with a value of the same kind (or null), as kyaml's walk requires.
            if let existing = result[key], !existing.isNull, !value.isNull, nodeKind(existing) != nodeKind(value) {
                throw .build(
                    "wrong node kind at \(inner.path.joined(separator: ".")): expected \(nodeKind(existing)) but got \(nodeKind(value))")
            }
            switch value {
            case .null:
                result[key] = nil
            case .object(let fields):
                if let merged = try mergeMap(result[key]?.object, fields, context: inner) {
                    result[key] = merged
                } else {
                    result[key] = nil
                }
            case .array(let items):
                result[key] = .array(try mergeList(result[key]?.array ?? [], items, field: key, context: inner))
            default:
                result[key] = value
            }
        }
        return .object(result)
    }

    static func mergeList(
        _ dest: [ManifestValue], _ patch: [ManifestValue], field: String, context: Context
    ) throws(KustomizeError) -> [ManifestValue] {
        let replace = patch.contains { $0.object.map { directive($0) == "replace" } ?? false }
        let elements = patch.filter { !($0.object.map { directive($0) == "replace" } ?? false) }
        guard !replace, let key = mergeKey(field: field, context: context),
            elements.allSatisfy({ $0.object != nil }), dest.allSatisfy({ $0.object != nil })
        else {
            var result: [ManifestValue] = []
            for element in elements {
                guard let fields = element.object else {
                    result.append(element)
                    continue
                }
                if let merged = try mergeMap(nil, fields, context: context) { result.append(merged) }
            }
            return result
        }
        var remaining = dest
        var merged: [ManifestValue] = []
        // kyaml merges by key value: a value the patch lists twice counts once, as its first element.
        var seen: Set<ManifestValue> = []
        for element in elements {
            guard let fields = element.object else { continue }
            let keyValue = fields[key]
            if let keyValue {
                guard seen.insert(keyValue).inserted else { continue }
            }
            let match = keyValue.flatMap { value in remaining.firstIndex { $0.object?[key] == value } }
            if directive(fields) == "delete" {
                if let match { remaining.remove(at: match) }
                continue
            }
            if let match {
                if let result = try mergeMap(remaining[match].object, fields, context: context) { merged.append(result) }
                remaining.remove(at: match)
            } else if let result = try mergeMap(nil, fields, context: context) {
                merged.append(result)
            }
        }
        return merged + remaining
    }

    /// The `x-kubernetes-patch-merge-key` of built-in list fields.
    static func mergeKey(field: String, context: Context) -> String? {
        guard context.builtin else { return nil }
        switch field {
        case "containers", "initContainers", "ephemeralContainers", "env", "volumes", "imagePullSecrets",
            "resourceClaims", "schedulingGates":
            return "name"
        case "volumeMounts": return "mountPath"
        case "volumeDevices": return "devicePath"
        case "ports":
            return context.kind == "Service" && context.path == ["spec", "ports"] ? "port" : "containerPort"
        case "hostAliases": return "ip"
        case "topologySpreadConstraints": return "topologyKey"
        case "conditions": return "type"
        case "ownerReferences": return "uid"
        case "readinessGates": return "conditionType"
        case "secrets": return context.kind == "ServiceAccount" ? "name" : nil
        case "webhooks":
            return ["ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"].contains(context.kind) ? "name" : nil
        default: return nil
        }
    }

    /// Kinds with a built-in OpenAPI schema (merge keys apply); everything else is a custom resource.
    static func isBuiltin(group: String) -> Bool {
        switch group {
        case "", "apps", "batch", "autoscaling", "policy", "networking.k8s.io", "rbac.authorization.k8s.io",
            "storage.k8s.io", "scheduling.k8s.io", "coordination.k8s.io", "discovery.k8s.io", "node.k8s.io",
            "admissionregistration.k8s.io", "apiextensions.k8s.io", "apiregistration.k8s.io", "certificates.k8s.io",
            "events.k8s.io", "flowcontrol.apiserver.k8s.io", "extensions":
            return true
        default:
            return false
        }
    }
}
