/// kustomize's default ("legacy") output order: kinds in a fixed priority list first, webhooks last, ties broken by
/// group/version/kind text (empty parts sort last as `~G`, `~V`, `~K`), then namespace and name.
struct LegacyOrder {
    static let defaultFirst = [
        "Namespace", "ResourceQuota", "StorageClass", "CustomResourceDefinition", "ServiceAccount", "PodSecurityPolicy",
        "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding", "ConfigMap", "Secret", "Endpoints", "Service",
        "LimitRange", "PriorityClass", "PersistentVolume", "PersistentVolumeClaim", "Deployment", "StatefulSet",
        "CronJob", "PodDisruptionBudget",
    ]
    static let defaultLast = ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"]

    let weights: [String: Int]

    init(first: [String] = Self.defaultFirst, last: [String] = Self.defaultLast) {
        var weights: [String: Int] = [:]
        for (index, kind) in first.enumerated() { weights[kind] = index - first.count }
        for (index, kind) in last.enumerated() { weights[kind] = index + 1 }
        self.weights = weights
    }

    func sorted(_ resources: [Resource]) -> [Resource] {
        let keyed = resources.map { resource -> (Int, String, String, Resource) in
            let group = resource.group.isEmpty ? "~G" : resource.group
            let version = resource.version.isEmpty ? "~V" : resource.version
            let gvk = "\(group)_\(version)_\(resource.kind.isEmpty ? "~K" : resource.kind)"
            let rest = "\(gvk)|\(resource.namespace.isEmpty ? "~X" : resource.namespace)|\(resource.name.isEmpty ? "~N" : resource.name)"
            return (weights[resource.kind] ?? 0, gvk, rest, resource)
        }
        return keyed.enumerated().sorted { a, b in
            let (x, y) = (a.element, b.element)
            if x.0 != y.0 { return x.0 < y.0 }
            if x.1 != y.1 { return x.1 < y.1 }
            if x.2 != y.2 { return x.2 < y.2 }
            return a.offset < b.offset
        }.map(\.element.3)
    }
}
