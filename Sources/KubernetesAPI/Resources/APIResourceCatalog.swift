import TargetKit

/// Every resource the local target serves through the Kubernetes API, and the look-ups a request needs.
public struct APIResourceCatalog: Sendable {
    public let resources: [APIResource]

    public init(resources: [APIResource] = APIResourceCatalog.localTarget) {
        self.resources = resources
    }

    /// The resource at `/apis/GROUP/VERSION/…/NAME` (or `/api/v1/…`), when that version is served.
    public func resource(group: String, version: String, name: String) -> APIResource? {
        resources.first { $0.group == group && $0.name == name && $0.versions.contains(version) }
    }

    public func resource(for kind: ObjectKind) -> APIResource? { resources.first { $0.kind == kind } }

    /// Served groups in discovery's order (the core group first, then by name), each with its versions.
    public var groups: [(name: String, versions: [String])] {
        var order: [String] = []
        var versions: [String: [String]] = [:]
        for resource in resources {
            if versions[resource.group] == nil { order.append(resource.group) }
            for version in resource.versions where !(versions[resource.group] ?? []).contains(version) {
                versions[resource.group, default: []].append(version)
            }
        }
        return order.sorted { ($0.isEmpty ? 0 : 1, $0) < ($1.isEmpty ? 0 : 1, $1) }.map { ($0, versions[$0] ?? []) }
    }

    /// The resources served at one group version.
    public func resources(group: String, version: String) -> [APIResource] {
        resources.filter { $0.group == group && $0.versions.contains(version) }
    }

    private static func entry(
        _ kind: ObjectKind, _ name: String, short: [String] = [], categories: [String] = [], status: Bool = false,
        scale: Bool = false, log: Bool = false, writable: Bool = true, versions: [String]? = nil
    ) -> APIResource {
        var subresources: [APIResource.Subresource] = []
        let version = (versions ?? [kind.preferredAPIVersion.split(separator: "/").last.map(String.init) ?? "v1"]).first ?? "v1"
        if status {
            subresources.append(
                .init(name: "status", group: kind.group, version: version, kind: kind.kind, verbs: ["get", "patch", "update"]))
        }
        if scale {
            subresources.append(
                .init(name: "scale", group: "autoscaling", version: "v1", kind: "Scale", verbs: ["get", "patch", "update"]))
        }
        if log { subresources.append(.init(name: "log", group: "", version: "v1", kind: "Pod", verbs: ["get"])) }
        return APIResource(
            kind: kind, name: name, singular: kind.kind.lowercased(), versions: versions ?? [version], shortNames: short,
            categories: categories, subresources: subresources, writable: writable)
    }

    private static func derived(_ kind: ObjectKind, _ name: String, short: [String] = []) -> APIResource {
        var resource = entry(kind, name, short: short, writable: false, versions: ["v1"])
        resource.derived = true
        return resource
    }

    private static let istio = ["v1", "v1beta1", "v1alpha3"]
    private static let rbac = "rbac.authorization.k8s.io"

    /// What the local target keeps and runs.
    public static let localTarget: [APIResource] = [
        entry(.namespace, "namespaces", short: ["ns"], status: true),
        entry(.configMap, "configmaps", short: ["cm"]),
        entry(.secret, "secrets"),
        entry(.service, "services", short: ["svc"], categories: ["all"], status: true),
        entry(.pod, "pods", short: ["po"], categories: ["all"], status: true, log: true, writable: false),
        entry(ObjectKind(group: "", kind: "ServiceAccount"), "serviceaccounts", short: ["sa"]),
        entry(ObjectKind(group: "", kind: "PersistentVolumeClaim"), "persistentvolumeclaims", short: ["pvc"], status: true),
        entry(.event, "events", short: ["ev"]),
        derived(ServiceEndpoints.endpoints, "endpoints", short: ["ep"]),
        derived(ServiceEndpoints.endpointSlice, "endpointslices"),
        entry(.deployment, "deployments", short: ["deploy"], categories: ["all"], status: true, scale: true),
        entry(.replicaSet, "replicasets", short: ["rs"], categories: ["all"], status: true, writable: false),
        entry(ObjectKind(group: "networking.k8s.io", kind: "Ingress"), "ingresses", short: ["ing"], status: true),
        entry(ObjectKind(group: "networking.k8s.io", kind: "NetworkPolicy"), "networkpolicies", short: ["netpol"]),
        entry(ObjectKind(group: "policy", kind: "PodDisruptionBudget"), "poddisruptionbudgets", short: ["pdb"], status: true),
        entry(
            ObjectKind(group: "autoscaling", kind: "HorizontalPodAutoscaler"), "horizontalpodautoscalers", short: ["hpa"],
            categories: ["all"], status: true, versions: ["v2", "v1"]),
        entry(ObjectKind(group: rbac, kind: "Role"), "roles"),
        entry(ObjectKind(group: rbac, kind: "RoleBinding"), "rolebindings"),
        entry(ObjectKind(group: rbac, kind: "ClusterRole"), "clusterroles"),
        entry(ObjectKind(group: rbac, kind: "ClusterRoleBinding"), "clusterrolebindings"),
        entry(.virtualService, "virtualservices", short: ["vs"], categories: ["istio-io", "networking-istio-io"], versions: istio),
        entry(.destinationRule, "destinationrules", short: ["dr"], categories: ["istio-io", "networking-istio-io"], versions: istio),
        entry(.gateway, "gateways", short: ["gw"], categories: ["istio-io", "networking-istio-io"], versions: istio),
        entry(
            ObjectKind(group: "networking.istio.io", kind: "ServiceEntry"), "serviceentries", short: ["se"],
            categories: ["istio-io", "networking-istio-io"], versions: istio),
        entry(ObjectKind(group: "slipway.dev", kind: "Canary"), "canaries", categories: ["slipway"]),
        entry(ObjectKind(group: "slipway.dev", kind: "AnalysisTemplate"), "analysistemplates", categories: ["slipway"]),
        entry(
            ObjectKind(group: "security.istio.io", kind: "PeerAuthentication"), "peerauthentications", short: ["pa"],
            categories: ["istio-io", "security-istio-io"], versions: istio),
    ]
}
