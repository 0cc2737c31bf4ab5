/// kustomize's built-in field-spec tables (`api/internal/konfig/builtinpluginconsts`), the places each transformer
/// touches in built-in kinds.
enum BuiltinFieldSpecs {
    static let workloadKinds: [(kind: String, group: String, version: String)] = [
        ("ReplicationController", "", "v1"), ("Deployment", "", ""), ("ReplicaSet", "", ""), ("DaemonSet", "", ""),
        ("StatefulSet", "apps", ""), ("Job", "batch", ""),
    ]

    /// `commonLabels` and `labels` with `includeSelectors`.
    static let commonLabels: [FieldSpec] = {
        var specs = [
            FieldSpec("metadata/labels", create: true),
            FieldSpec("spec/selector", kind: "Service", version: "v1", create: true),
            FieldSpec("spec/selector", kind: "ReplicationController", version: "v1", create: true),
            FieldSpec("spec/template/metadata/labels", kind: "ReplicationController", version: "v1", create: true),
            FieldSpec("spec/selector/matchLabels", kind: "Deployment", create: true),
            FieldSpec("spec/template/metadata/labels", kind: "Deployment", create: true),
        ]
        let preferred = "preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels"
        let affinity = [
            "spec/template/spec/affinity/podAffinity/" + preferred,
            "spec/template/spec/affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels",
            "spec/template/spec/affinity/podAntiAffinity/" + preferred,
            "spec/template/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels",
            "spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels",
        ]
        specs += affinity.map { FieldSpec($0, kind: "Deployment", group: "apps") }
        specs += [
            FieldSpec("spec/selector/matchLabels", kind: "ReplicaSet", create: true),
            FieldSpec("spec/template/metadata/labels", kind: "ReplicaSet", create: true),
            FieldSpec("spec/selector/matchLabels", kind: "DaemonSet", create: true),
            FieldSpec("spec/template/metadata/labels", kind: "DaemonSet", create: true),
            FieldSpec("spec/selector/matchLabels", kind: "StatefulSet", group: "apps", create: true),
            FieldSpec("spec/template/metadata/labels", kind: "StatefulSet", group: "apps", create: true),
        ]
        specs += affinity.map { FieldSpec($0, kind: "StatefulSet", group: "apps") }
        specs += [
            FieldSpec("spec/volumeClaimTemplates[]/metadata/labels", kind: "StatefulSet", group: "apps", create: true),
            FieldSpec("spec/selector/matchLabels", kind: "Job", group: "batch"),
            FieldSpec("spec/template/metadata/labels", kind: "Job", group: "batch", create: true),
            FieldSpec("spec/jobTemplate/spec/selector/matchLabels", kind: "CronJob", group: "batch"),
            FieldSpec("spec/jobTemplate/metadata/labels", kind: "CronJob", group: "batch", create: true),
            FieldSpec("spec/jobTemplate/spec/template/metadata/labels", kind: "CronJob", group: "batch", create: true),
            FieldSpec("spec/selector/matchLabels", kind: "PodDisruptionBudget", group: "policy"),
            FieldSpec("spec/podSelector/matchLabels", kind: "NetworkPolicy", group: "networking.k8s.io"),
            FieldSpec("spec/ingress/from/podSelector/matchLabels", kind: "NetworkPolicy", group: "networking.k8s.io"),
            FieldSpec("spec/egress/to/podSelector/matchLabels", kind: "NetworkPolicy", group: "networking.k8s.io"),
        ]
        return specs
    }()

    /// `labels` with `includeTemplates` but no selectors.
    static let templateLabels: [FieldSpec] = [
        FieldSpec("spec/template/metadata/labels", kind: "ReplicationController", version: "v1", create: true),
        FieldSpec("spec/template/metadata/labels", kind: "Deployment", create: true),
        FieldSpec("spec/template/metadata/labels", kind: "ReplicaSet", create: true),
        FieldSpec("spec/template/metadata/labels", kind: "DaemonSet", create: true),
        FieldSpec("spec/template/metadata/labels", kind: "StatefulSet", group: "apps", create: true),
        FieldSpec("spec/volumeClaimTemplates[]/metadata/labels", kind: "StatefulSet", group: "apps", create: true),
        FieldSpec("spec/template/metadata/labels", kind: "Job", group: "batch", create: true),
        FieldSpec("spec/jobTemplate/metadata/labels", kind: "CronJob", group: "batch", create: true),
        FieldSpec("spec/jobTemplate/spec/template/metadata/labels", kind: "CronJob", group: "batch", create: true),
    ]

    static let commonAnnotations: [FieldSpec] = [
        FieldSpec("metadata/annotations", create: true),
        FieldSpec("spec/template/metadata/annotations", kind: "ReplicationController", version: "v1", create: true),
        FieldSpec("spec/template/metadata/annotations", kind: "Deployment", create: true),
        FieldSpec("spec/template/metadata/annotations", kind: "ReplicaSet", create: true),
        FieldSpec("spec/template/metadata/annotations", kind: "DaemonSet", create: true),
        FieldSpec("spec/template/metadata/annotations", kind: "StatefulSet", group: "apps", create: true),
        FieldSpec("spec/template/metadata/annotations", kind: "Job", group: "batch", create: true),
        FieldSpec("spec/jobTemplate/metadata/annotations", kind: "CronJob", group: "batch", create: true),
        FieldSpec("spec/jobTemplate/spec/template/metadata/annotations", kind: "CronJob", group: "batch", create: true),
    ]

    static let images: [FieldSpec] = [
        FieldSpec("spec/containers[]/image"), FieldSpec("spec/initContainers[]/image"),
        FieldSpec("spec/template/spec/containers[]/image"), FieldSpec("spec/template/spec/initContainers[]/image"),
    ]

    static let replicaKinds: [(kind: String, group: String)] = [
        ("Deployment", ""), ("ReplicationController", ""), ("ReplicaSet", ""), ("StatefulSet", ""),
    ]

    /// Group/version/kinds the namespace transformer leaves alone: the cluster-scoped types of kustomize v5.5's
    /// built-in schema. Other versions of the same kinds — newer (`flowcontrol.apiserver.k8s.io/v1` FlowSchema,
    /// `admissionregistration.k8s.io/v1` ValidatingAdmissionPolicy) or alpha ones — are unknown to that schema and so,
    /// like custom kinds, namespaced; `kubectl kustomize` gives them the namespace, and so does Slipway.
    static let clusterScoped: [String: Set<String>] = {
        let stable = ["v1", "v1beta1"]
        func versions(_ group: String, _ versions: [String] = stable) -> Set<String> {
            Set(versions.map { group.isEmpty ? $0 : "\(group)/\($0)" })
        }
        return [
            "Namespace": versions("", ["v1"]), "Node": versions("", ["v1"]), "PersistentVolume": versions("", ["v1"]),
            "ComponentStatus": versions("", ["v1"]),
            "StorageClass": versions("storage.k8s.io"), "CSIDriver": versions("storage.k8s.io"), "CSINode": versions("storage.k8s.io"),
            "VolumeAttachment": versions("storage.k8s.io"),
            "CustomResourceDefinition": versions("apiextensions.k8s.io"),
            "PodSecurityPolicy": versions("policy", ["v1beta1"]),
            "ClusterRole": versions("rbac.authorization.k8s.io"), "ClusterRoleBinding": versions("rbac.authorization.k8s.io"),
            "PriorityClass": versions("scheduling.k8s.io"),
            "APIService": versions("apiregistration.k8s.io"),
            "CertificateSigningRequest": versions("certificates.k8s.io"),
            "FlowSchema": versions("flowcontrol.apiserver.k8s.io", ["v1beta1"]),
            "PriorityLevelConfiguration": versions("flowcontrol.apiserver.k8s.io", ["v1beta1"]),
            "IngressClass": versions("networking.k8s.io"),
            "RuntimeClass": versions("node.k8s.io"),
            "MutatingWebhookConfiguration": versions("admissionregistration.k8s.io"),
            "ValidatingWebhookConfiguration": versions("admissionregistration.k8s.io"),
        ]
    }()

    /// A name-reference rule: fields of referrers that name an object of `kind`.
    struct NameReference: Sendable {
        var kind: String
        var group = ""
        var referrers: [FieldSpec]
    }

    static let podSpecHolders: [(kind: String, group: String, version: String, prefix: String)] = [
        ("Pod", "", "v1", "spec"), ("Deployment", "", "", "spec/template/spec"),
        ("ReplicaSet", "", "", "spec/template/spec"), ("DaemonSet", "", "", "spec/template/spec"),
        ("StatefulSet", "apps", "", "spec/template/spec"), ("Job", "batch", "", "spec/template/spec"),
        ("CronJob", "batch", "", "spec/jobTemplate/spec/template/spec"),
        ("ReplicationController", "", "v1", "spec/template/spec"),
    ]

    static func inPodSpecs(_ paths: [String]) -> [FieldSpec] {
        podSpecHolders.flatMap { holder in
            paths.map { FieldSpec(holder.prefix + "/" + $0, kind: holder.kind, group: holder.group, version: holder.version) }
        }
    }

    static let nameReferences: [NameReference] = [
        NameReference(
            kind: "Deployment",
            referrers: [FieldSpec("spec/scaleTargetRef/name", kind: "HorizontalPodAutoscaler")]),
        NameReference(
            kind: "ReplicationController",
            referrers: [FieldSpec("spec/scaleTargetRef/name", kind: "HorizontalPodAutoscaler")]),
        NameReference(
            kind: "ReplicaSet", referrers: [FieldSpec("spec/scaleTargetRef/name", kind: "HorizontalPodAutoscaler")]),
        NameReference(
            kind: "StatefulSet", referrers: [FieldSpec("spec/scaleTargetRef/name", kind: "HorizontalPodAutoscaler")]),
        NameReference(
            kind: "ConfigMap",
            referrers: inPodSpecs([
                "volumes/configMap/name", "containers/env/valueFrom/configMapKeyRef/name",
                "initContainers/env/valueFrom/configMapKeyRef/name", "containers/envFrom/configMapRef/name",
                "initContainers/envFrom/configMapRef/name", "volumes/projected/sources/configMap/name",
                "ephemeralContainers/env/valueFrom/configMapKeyRef/name",
                "ephemeralContainers/envFrom/configMapRef/name",
            ]) + [
                FieldSpec("rules/resourceNames", kind: "Role", group: "rbac.authorization.k8s.io"),
                FieldSpec("rules/resourceNames", kind: "ClusterRole", group: "rbac.authorization.k8s.io"),
                FieldSpec("spec/configSource/configMap", kind: "Node", version: "v1"),
            ]),
        NameReference(
            kind: "Secret",
            referrers: inPodSpecs([
                "volumes/secret/secretName", "containers/env/valueFrom/secretKeyRef/name",
                "initContainers/env/valueFrom/secretKeyRef/name", "containers/envFrom/secretRef/name",
                "initContainers/envFrom/secretRef/name", "imagePullSecrets/name",
                "volumes/projected/sources/secret/name",
                "ephemeralContainers/env/valueFrom/secretKeyRef/name", "ephemeralContainers/envFrom/secretRef/name",
            ]) + [
                FieldSpec("spec/tls/secretName", kind: "Ingress"),
                FieldSpec("imagePullSecrets/name", kind: "ServiceAccount"),
                FieldSpec("secrets/name", kind: "ServiceAccount"),
                FieldSpec("rules/resourceNames", kind: "Role", group: "rbac.authorization.k8s.io"),
                FieldSpec("rules/resourceNames", kind: "ClusterRole", group: "rbac.authorization.k8s.io"),
            ]),
        NameReference(
            kind: "Service",
            referrers: [
                FieldSpec("spec/serviceName", kind: "StatefulSet", group: "apps"),
                FieldSpec("spec/rules/http/paths/backend/serviceName", kind: "Ingress"),
                FieldSpec("spec/backend/serviceName", kind: "Ingress"),
                FieldSpec("spec/rules/http/paths/backend/service/name", kind: "Ingress"),
                FieldSpec("spec/defaultBackend/service/name", kind: "Ingress"),
                FieldSpec("spec/service/name", kind: "APIService", group: "apiregistration.k8s.io"),
                FieldSpec("webhooks/clientConfig/service", kind: "ValidatingWebhookConfiguration"),
                FieldSpec("webhooks/clientConfig/service", kind: "MutatingWebhookConfiguration"),
            ]),
        NameReference(
            kind: "Role", group: "rbac.authorization.k8s.io",
            referrers: [FieldSpec("roleRef/name", kind: "RoleBinding", group: "rbac.authorization.k8s.io")]),
        NameReference(
            kind: "ClusterRole", group: "rbac.authorization.k8s.io",
            referrers: [
                FieldSpec("roleRef/name", kind: "RoleBinding", group: "rbac.authorization.k8s.io"),
                FieldSpec("roleRef/name", kind: "ClusterRoleBinding", group: "rbac.authorization.k8s.io"),
            ]),
        NameReference(
            kind: "ServiceAccount",
            referrers: inPodSpecs(["serviceAccountName"]) + [
                FieldSpec("subjects", kind: "RoleBinding", group: "rbac.authorization.k8s.io"),
                FieldSpec("subjects", kind: "ClusterRoleBinding", group: "rbac.authorization.k8s.io"),
            ]),
        NameReference(
            kind: "PersistentVolumeClaim",
            referrers: inPodSpecs(["volumes/persistentVolumeClaim/claimName"])),
        NameReference(kind: "PersistentVolume", referrers: [FieldSpec("spec/volumeName", kind: "PersistentVolumeClaim")]),
        NameReference(
            kind: "StorageClass",
            referrers: [
                FieldSpec("spec/storageClassName", kind: "PersistentVolume"),
                FieldSpec("spec/storageClassName", kind: "PersistentVolumeClaim"),
                FieldSpec("spec/volumeClaimTemplates/spec/storageClassName", kind: "StatefulSet"),
            ]),
        NameReference(kind: "PriorityClass", referrers: inPodSpecs(["priorityClassName"])),
        NameReference(kind: "IngressClass", referrers: [FieldSpec("spec/ingressClassName", kind: "Ingress")]),
    ]
}
