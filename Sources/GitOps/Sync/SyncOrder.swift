import Foundation
import Manifests

/// Argo CD's apply order (gitops-engine `sync_tasks.go`): sync wave (annotation `argocd.argoproj.io/sync-wave`, or
/// Slipway's `slipway.dev/sync-wave`; default 0, negatives allowed), then kind order, then name. Kinds outside
/// the list (custom resources) go last; a Namespace before what it contains, a CRD before its resources.
public enum SyncOrder {
    public static let kindOrder: [String] = [
        "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodSecurityPolicy", "PodDisruptionBudget",
        "ServiceAccount", "Secret", "SecretList", "ConfigMap", "StorageClass", "PersistentVolume", "PersistentVolumeClaim",
        "CustomResourceDefinition", "ClusterRole", "ClusterRoleList", "ClusterRoleBinding", "ClusterRoleBindingList",
        "Role", "RoleList", "RoleBinding", "RoleBindingList", "Service", "DaemonSet", "Pod", "ReplicationController",
        "ReplicaSet", "Deployment", "HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob", "IngressClass", "Ingress",
        "APIService",
    ]

    private static let kindRank: [String: Int] = Dictionary(uniqueKeysWithValues: kindOrder.enumerated().map { ($1, $0) })

    public static let waveAnnotations = ["slipway.dev/sync-wave", "argocd.argoproj.io/sync-wave"]

    /// The wave an object declares; a value that is not an integer is reported by `validate`.
    public static func wave(of object: ManifestValue) -> Int {
        let annotations = object.value(at: ["metadata", "annotations"])?.object ?? [:]
        for name in waveAnnotations {
            if let text = annotations[name]?.string, let wave = Int(text.trimmingCharacters(in: .whitespaces)) { return wave }
        }
        return 0
    }

    /// Errors for wave annotations that are not integers.
    public static func invalidWaves(in objects: [ManifestValue]) -> [String] {
        objects.compactMap { object in
            let annotations = object.value(at: ["metadata", "annotations"])?.object ?? [:]
            for name in waveAnnotations {
                if let text = annotations[name]?.string, Int(text.trimmingCharacters(in: .whitespaces)) == nil {
                    let kind = object["kind"]?.string ?? "?"
                    let objectName = object.value(at: ["metadata", "name"])?.string ?? "?"
                    return "\(kind)/\(objectName): annotation \(name) must be an integer, got \"\(text)\""
                }
            }
            return nil
        }
    }

    public static func rank(ofKind kind: String) -> Int { kindRank[kind] ?? kindOrder.count }

    /// Sorted for applying: wave, kind order, name (namespace breaks remaining ties so the order is total).
    public static func sorted(_ objects: [ManifestValue]) -> [ManifestValue] {
        objects.sorted { a, b in key(a) < key(b) }
    }

    /// Grouped by wave, lowest first, each group in apply order.
    public static func waves(_ objects: [ManifestValue]) -> [(wave: Int, objects: [ManifestValue])] {
        let grouped = Dictionary(grouping: sorted(objects), by: wave(of:))
        return grouped.keys.sorted().map { ($0, grouped[$0] ?? []) }
    }

    /// The order for pruning: the reverse of applying.
    public static func pruneOrder(_ objects: [ManifestValue]) -> [ManifestValue] { sorted(objects).reversed() }

    private struct SortKey: Comparable {
        var wave: Int, kind: Int, kindName: String, name: String, namespace: String
        static func < (a: SortKey, b: SortKey) -> Bool {
            (a.wave, a.kind, a.kindName, a.name, a.namespace) < (b.wave, b.kind, b.kindName, b.name, b.namespace)
        }
    }

    private static func key(_ object: ManifestValue) -> SortKey {
        let kind = object["kind"]?.string ?? ""
        return SortKey(
            wave: wave(of: object), kind: rank(ofKind: kind), kindName: kind,
            name: object.value(at: ["metadata", "name"])?.string ?? "",
            namespace: object.value(at: ["metadata", "namespace"])?.string ?? "")
    }
}
