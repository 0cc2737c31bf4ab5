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

    /// Namespace fields besides `metadata/namespace` (which every namespaced kind takes) and a Namespace's name.
    static let namespace: [FieldSpec] = [
        FieldSpec("spec/service/namespace", kind: "APIService", group: "apiregistration.k8s.io", create: true),
        FieldSpec(
            "spec/conversion/webhook/clientConfig/service/namespace", kind: "CustomResourceDefinition", group: "apiextensions.k8s.io"),
    ]

    /// Where `$(VAR)` is expanded (kustomize's `varReference` table; its CronJob NFS path lacks a `spec`, as there).
    static let varReferences: [FieldSpec] = {
        let containerPaths = ["args", "command", "env/value", "volumeMounts/mountPath"].flatMap {
            ["containers/" + $0, "initContainers/" + $0]
        }
        var specs = ["CronJob", "DaemonSet", "Deployment", "Job", "Pod", "ReplicaSet", "StatefulSet"].flatMap { holder in
            containerPaths.map { FieldSpec((podSpecPrefixes[holder] ?? "spec") + "/" + $0, kind: holder) }
        }
        specs += [
            FieldSpec("spec/jobTemplate/spec/template/volumes/nfs/server", kind: "CronJob"),
            FieldSpec("spec/template/spec/volumes/nfs/server", kind: "DaemonSet"),
            FieldSpec("spec/template/spec/volumes/nfs/server", kind: "Deployment"),
            FieldSpec("spec/template/spec/volumes/nfs/server", kind: "Job"),
            FieldSpec("spec/template/spec/volumes/nfs/server", kind: "ReplicaSet"),
            FieldSpec("spec/volumes/nfs/server", kind: "Pod"),
            FieldSpec("spec/volumeClaimTemplates/spec/nfs/server", kind: "StatefulSet"),
            FieldSpec("spec/nfs/server", kind: "PersistentVolume"),
            FieldSpec("spec/template/metadata/annotations", kind: "Deployment"),
            FieldSpec("spec/rules/host", kind: "Ingress"), FieldSpec("spec/tls/hosts", kind: "Ingress"),
            FieldSpec("spec/tls/secretName", kind: "Ingress"),
            FieldSpec("spec/ports/port", kind: "Service"), FieldSpec("spec/ports/targetPort", kind: "Service"),
            FieldSpec("metadata/labels"), FieldSpec("metadata/annotations"),
        ]
        return specs
    }()

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

    /// A name-reference rule: fields of referrers that name an object of `kind` (and, where set, `group` and `version`).
    struct NameReference: Sendable, Hashable {
        var kind: String
        var group = ""
        var version = ""
        var referrers: [FieldSpec]

        /// Whether an object of this group/version and (possibly earlier) kind is what the rule refers to.
        func targets(kind: String, group: String, version: String) -> Bool {
            kind == self.kind && (self.group.isEmpty || group == self.group) && (self.version.isEmpty || version == self.version)
        }
    }

    /// Where each workload kind keeps its pod spec, for the reference tables.
    static let podSpecPrefixes: [String: String] = [
        "Pod": "spec", "PodTemplate": "template/spec", "Deployment": "spec/template/spec", "ReplicaSet": "spec/template/spec",
        "DaemonSet": "spec/template/spec", "StatefulSet": "spec/template/spec", "Job": "spec/template/spec",
        "CronJob": "spec/jobTemplate/spec/template/spec", "ReplicationController": "spec/template/spec",
    ]

    /// The pod-spec fields `paths` in each of `holders`; kustomize's table pins only the Pod's version, and only for
    /// configuration references.
    static func inPodSpecs(_ holders: [String], _ paths: [String], podVersion: String = "") -> [FieldSpec] {
        holders.flatMap { holder in
            paths.map { path in
                FieldSpec(
                    (podSpecPrefixes[holder] ?? "spec") + "/" + path, kind: holder, version: holder == "Pod" ? podVersion : "")
            }
        }
    }

    /// Holders of configuration (ConfigMap, Secret) references, and of the other pod-spec references.
    static let configHolders = ["Pod", "PodTemplate", "Deployment", "ReplicaSet", "DaemonSet", "StatefulSet", "Job", "CronJob"]
    static let workloadHolders = ["Pod", "Deployment", "ReplicationController", "DaemonSet", "StatefulSet", "Job", "CronJob"]

    /// kustomize v5.5's name-reference table, rule for rule (its IngressClass rule names the group with its version, so
    /// it never matches; kept as kustomize has it, since output must be the same).
    static let nameReferences: [NameReference] = {
        let scaleTarget = [FieldSpec("spec/scaleTargetRef/name", kind: "HorizontalPodAutoscaler")]
        let rbac = "rbac.authorization.k8s.io"
        return [
            NameReference(kind: "Deployment", referrers: scaleTarget),
            NameReference(kind: "ReplicationController", referrers: scaleTarget),
            NameReference(kind: "ReplicaSet", referrers: scaleTarget),
            NameReference(kind: "StatefulSet", referrers: scaleTarget),
            NameReference(
                kind: "ConfigMap", version: "v1",
                referrers: inPodSpecs(
                    configHolders,
                    [
                        "volumes/configMap/name", "containers/env/valueFrom/configMapKeyRef/name",
                        "initContainers/env/valueFrom/configMapKeyRef/name", "containers/envFrom/configMapRef/name",
                        "initContainers/envFrom/configMapRef/name", "volumes/projected/sources/configMap/name",
                    ], podVersion: "v1")
                    + [
                        FieldSpec("metadata/annotations/nginx.ingress.kubernetes.io\\/fastcgi-params-configmap", kind: "Ingress"),
                        FieldSpec("spec/configSource/configMap", kind: "Node"),
                        FieldSpec("rules/resourceNames", kind: "Role"),
                        FieldSpec("rules/resourceNames", kind: "ClusterRole"),
                    ]),
            NameReference(
                kind: "Secret", version: "v1",
                referrers: inPodSpecs(
                    configHolders,
                    [
                        "volumes/secret/secretName", "containers/env/valueFrom/secretKeyRef/name",
                        "initContainers/env/valueFrom/secretKeyRef/name", "containers/envFrom/secretRef/name",
                        "initContainers/envFrom/secretRef/name", "imagePullSecrets/name", "volumes/projected/sources/secret/name",
                    ], podVersion: "v1")
                    + [
                        FieldSpec(
                            "spec/template/spec/containers/env/valueFrom/secretKeyRef/name", kind: "Service",
                            group: "serving.knative.dev", version: "v1"),
                        FieldSpec("spec/azureFile/secretName", kind: "PersistentVolume"),
                        FieldSpec("metadata/annotations/ingress.kubernetes.io\\/auth-secret", kind: "Ingress"),
                        FieldSpec("metadata/annotations/nginx.ingress.kubernetes.io\\/auth-secret", kind: "Ingress"),
                        FieldSpec("metadata/annotations/nginx.ingress.kubernetes.io\\/auth-tls-secret", kind: "Ingress"),
                        FieldSpec("spec/tls/secretName", kind: "Ingress"),
                        FieldSpec("imagePullSecrets/name", kind: "ServiceAccount"),
                        FieldSpec("parameters/secretName", kind: "StorageClass"),
                        FieldSpec("parameters/adminSecretName", kind: "StorageClass"),
                        FieldSpec("parameters/userSecretName", kind: "StorageClass"),
                        FieldSpec("parameters/secretRef", kind: "StorageClass"),
                        FieldSpec("rules/resourceNames", kind: "Role"),
                        FieldSpec("rules/resourceNames", kind: "ClusterRole"),
                    ]),
            NameReference(
                kind: "Service", version: "v1",
                referrers: [
                    FieldSpec("spec/service/name", kind: "APIService", group: "apiregistration.k8s.io"),
                    FieldSpec("spec/serviceName", kind: "StatefulSet", group: "apps"),
                    FieldSpec("spec/rules/http/paths/backend/serviceName", kind: "Ingress"),
                    FieldSpec("spec/backend/serviceName", kind: "Ingress"),
                    FieldSpec("spec/rules/http/paths/backend/service/name", kind: "Ingress"),
                    FieldSpec("spec/defaultBackend/service/name", kind: "Ingress"),
                    FieldSpec(
                        "webhooks/clientConfig/service", kind: "ValidatingWebhookConfiguration", group: "admissionregistration.k8s.io"),
                    FieldSpec("webhooks/clientConfig/service", kind: "MutatingWebhookConfiguration", group: "admissionregistration.k8s.io"),
                ]),
            NameReference(kind: "Role", group: rbac, referrers: [FieldSpec("roleRef/name", kind: "RoleBinding", group: rbac)]),
            NameReference(
                kind: "ClusterRole", group: rbac,
                referrers: [
                    FieldSpec("roleRef/name", kind: "RoleBinding", group: rbac),
                    FieldSpec("roleRef/name", kind: "ClusterRoleBinding", group: rbac),
                ]),
            NameReference(
                kind: "ServiceAccount", version: "v1",
                referrers: [
                    FieldSpec("subjects", kind: "RoleBinding", group: rbac),
                    FieldSpec("subjects", kind: "ClusterRoleBinding", group: rbac),
                ] + inPodSpecs(workloadHolders, ["serviceAccountName"])),
            NameReference(
                kind: "PersistentVolumeClaim", version: "v1",
                referrers: inPodSpecs(workloadHolders, ["volumes/persistentVolumeClaim/claimName"])),
            NameReference(
                kind: "PersistentVolume", version: "v1",
                referrers: [
                    FieldSpec("spec/volumeName", kind: "PersistentVolumeClaim"), FieldSpec("rules/resourceNames", kind: "ClusterRole"),
                ]),
            NameReference(
                kind: "StorageClass", group: "storage.k8s.io", version: "v1",
                referrers: [
                    FieldSpec("spec/storageClassName", kind: "PersistentVolume"),
                    FieldSpec("spec/storageClassName", kind: "PersistentVolumeClaim"),
                    FieldSpec("spec/volumeClaimTemplates/spec/storageClassName", kind: "StatefulSet"),
                ]),
            NameReference(
                kind: "PriorityClass", group: "scheduling.k8s.io", version: "v1",
                referrers: inPodSpecs(workloadHolders, ["priorityClassName"])),
            NameReference(
                kind: "IngressClass", group: "networking.k8s.io/v1", version: "v1",
                referrers: [FieldSpec("spec/ingressClassName", kind: "Ingress")]),
            NameReference(
                kind: "ValidatingAdmissionPolicy", group: "admissionregistration.k8s.io",
                referrers: [FieldSpec("spec/policyName", kind: "ValidatingAdmissionPolicyBinding", group: "admissionregistration.k8s.io")]),
        ]
    }()
}
