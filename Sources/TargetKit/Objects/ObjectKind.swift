/// The kinds the local target knows: what it runs (workloads, services, Istio routing) and what it only keeps.
public struct ObjectKind: Sendable, Hashable, Codable, Comparable {
    /// API group ("" for the core group).
    public var group: String
    public var kind: String

    public init(group: String, kind: String) {
        self.group = group
        self.kind = kind
    }

    public static func < (a: ObjectKind, b: ObjectKind) -> Bool { (a.kind, a.group) < (b.kind, b.group) }

    public static let namespace = ObjectKind(group: "", kind: "Namespace")
    public static let configMap = ObjectKind(group: "", kind: "ConfigMap")
    public static let secret = ObjectKind(group: "", kind: "Secret")
    public static let service = ObjectKind(group: "", kind: "Service")
    public static let pod = ObjectKind(group: "", kind: "Pod")
    public static let deployment = ObjectKind(group: "apps", kind: "Deployment")
    public static let replicaSet = ObjectKind(group: "apps", kind: "ReplicaSet")
    public static let virtualService = ObjectKind(group: "networking.istio.io", kind: "VirtualService")
    public static let destinationRule = ObjectKind(group: "networking.istio.io", kind: "DestinationRule")
    public static let gateway = ObjectKind(group: "networking.istio.io", kind: "Gateway")
    public static let event = ObjectKind(group: "", kind: "Event")

    /// Kinds that are kept and shown but have no effect on one machine.
    static let keptOnly: [ObjectKind] = [
        ObjectKind(group: "", kind: "ServiceAccount"), ObjectKind(group: "", kind: "PersistentVolumeClaim"),
        ObjectKind(group: "networking.k8s.io", kind: "Ingress"), ObjectKind(group: "networking.k8s.io", kind: "NetworkPolicy"),
        ObjectKind(group: "policy", kind: "PodDisruptionBudget"), ObjectKind(group: "autoscaling", kind: "HorizontalPodAutoscaler"),
        ObjectKind(group: "rbac.authorization.k8s.io", kind: "Role"), ObjectKind(group: "rbac.authorization.k8s.io", kind: "RoleBinding"),
        ObjectKind(group: "rbac.authorization.k8s.io", kind: "ClusterRole"),
        ObjectKind(group: "rbac.authorization.k8s.io", kind: "ClusterRoleBinding"),
        ObjectKind(group: "networking.istio.io", kind: "ServiceEntry"), ObjectKind(group: "security.istio.io", kind: "PeerAuthentication"),
        .event, ObjectKind(group: "slipway.dev", kind: "Canary"), ObjectKind(group: "slipway.dev", kind: "AnalysisTemplate"),
    ]

    static let versions: [ObjectKind: [String]] = {
        var map: [ObjectKind: [String]] = [
            .namespace: ["v1"], .configMap: ["v1"], .secret: ["v1"], .service: ["v1"], .pod: ["v1"],
            .deployment: ["v1"], .replicaSet: ["v1"],
            .virtualService: ["v1", "v1beta1", "v1alpha3"], .destinationRule: ["v1", "v1beta1", "v1alpha3"],
            .gateway: ["v1", "v1beta1", "v1alpha3"],
        ]
        for kind in keptOnly {
            switch kind.group {
            case "autoscaling": map[kind] = ["v2", "v1"]
            case "networking.istio.io", "security.istio.io": map[kind] = ["v1", "v1beta1", "v1alpha3"]
            case "slipway.dev": map[kind] = ["v1"]
            default: map[kind] = ["v1"]
            }
        }
        return map
    }()

    static let clusterScoped: Set<ObjectKind> = [
        .namespace, ObjectKind(group: "rbac.authorization.k8s.io", kind: "ClusterRole"),
        ObjectKind(group: "rbac.authorization.k8s.io", kind: "ClusterRoleBinding"),
    ]

    public var isNamespaced: Bool { !Self.clusterScoped.contains(self) }

    /// Every kind Slipway knows, in a stable order.
    public static var known: [ObjectKind] { versions.keys.sorted() }

    /// Whether the kind is Kubernetes' own (not a custom resource such as Istio's).
    public var isBuiltIn: Bool { !group.hasSuffix(".istio.io") && !group.hasSuffix("slipway.dev") }

    /// Whether Slipway acts on objects of this kind (otherwise it keeps them only).
    public var isActedOn: Bool { !Self.keptOnly.contains(self) }

    /// The kind an `apiVersion`/`kind` pair names, as the API server's discovery would resolve it.
    public static func resolve(apiVersion: String, kind: String) -> ObjectKind? {
        let parts = apiVersion.split(separator: "/", maxSplits: 1).map(String.init)
        let (group, version) = parts.count == 2 ? (parts[0], parts[1]) : ("", parts.first ?? "")
        let candidate = ObjectKind(group: group, kind: kind)
        guard let known = versions[candidate], known.contains(version) else { return nil }
        return candidate
    }

    /// The version objects of this kind are stored and shown in.
    public var preferredAPIVersion: String {
        let version = Self.versions[self]?.first ?? "v1"
        return group.isEmpty ? version : "\(group)/\(version)"
    }

    /// The lower-case plural resource name (`deployments`), as in `kubectl get deployments`.
    public var resource: String {
        let lower = kind.lowercased()
        if lower.hasSuffix("y") && !lower.hasSuffix("ay") { return String(lower.dropLast()) + "ies" }
        if lower.hasSuffix("s") { return lower + "es" }
        return lower + "s"
    }

    /// `deployment.apps` as kubectl prints it in object names.
    public var qualifiedName: String { group.isEmpty ? kind.lowercased() : "\(kind.lowercased()).\(group)" }

    /// Every kind the target accepts, for names on the command line (`deploy`, `svc`, `vs`, `dr`, ...).
    public static func named(_ text: String) -> ObjectKind? {
        let lower = text.lowercased()
        let short: [String: ObjectKind] = [
            "ns": .namespace, "cm": .configMap, "svc": .service, "po": .pod, "deploy": .deployment, "rs": .replicaSet,
            "vs": .virtualService, "dr": .destinationRule, "gw": .gateway,
        ]
        if let kind = short[lower] { return kind }
        let base = lower.split(separator: ".", maxSplits: 1).first.map(String.init) ?? lower
        return versions.keys.sorted().first { kind in
            let name = kind.kind.lowercased()
            return base == name || base == kind.resource
        }
    }
}
