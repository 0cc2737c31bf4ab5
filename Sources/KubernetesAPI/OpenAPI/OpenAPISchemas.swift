import Manifests

/// Schemas of the built-in kinds the local target runs, for `kubectl explain` (OpenAPI v3 `components.schemas`):
/// the fields Slipway reads, each described in a sentence. Lists keep no merge keys here on purpose: kubectl computes
/// strategic merge patches from its compiled-in types, which it does only while these documents do not offer
/// strategic merge patch for the kind (see ``OpenAPIDocuments``).
enum OpenAPISchemas {
    static let meta = "io.k8s.apimachinery.pkg.apis.meta.v1"
    static let core = "io.k8s.api.core.v1"
    static let apps = "io.k8s.api.apps.v1"

    /// The schemas a group version's document carries: its kinds, and everything they refer to.
    static func components(group: String, version: String) -> [String: ManifestValue] {
        var schemas = shared
        switch (group, version) {
        case ("", "v1"):
            schemas["\(core).Pod"] = kind(
                "Pod", group: "", "A Pod is one or more containers that run together on one network address.", spec: "\(core).PodSpec")
            schemas["\(core).Service"] = kind(
                "Service", group: "", "A Service gives a stable name and port to the pods its selector picks.", spec: "\(core).ServiceSpec")
            schemas["\(core).ServiceSpec"] = object(
                "How a Service picks its pods and which ports it offers.",
                [
                    "selector": map("Labels a pod must carry to receive this Service's traffic."),
                    "ports": array("The ports the Service offers.", of: ref("\(core).ServicePort")),
                    "type": string("How the Service is exposed: ClusterIP (default), NodePort, LoadBalancer or ExternalName."),
                ])
            schemas["\(core).ServicePort"] = object(
                "One port of a Service.",
                [
                    "name": string("The port's name, unique in the Service."), "port": integer("The port the Service listens on."),
                    "targetPort": string("The pods' port (a number or a container port's name); the same as port when unset."),
                    "protocol": string("TCP (default), UDP or SCTP."),
                ], required: ["port"])
            schemas["\(core).ConfigMap"] = object(
                "A ConfigMap holds configuration as strings for pods to read.",
                [
                    "apiVersion": string("The object's versioned schema."), "kind": string("The object's kind."),
                    "metadata": ref("\(meta).ObjectMeta", "The object's name, namespace, labels and annotations."),
                    "data": map("Configuration entries, each a UTF-8 string."),
                ], gvk: ("", "ConfigMap"))
            schemas["\(core).Namespace"] = kind("Namespace", group: "", "A Namespace scopes the names of the objects in it.", spec: nil)
        case ("apps", "v1"):
            schemas["\(apps).Deployment"] = kind(
                "Deployment", group: "apps", "A Deployment keeps a number of identical pods running and rolls them to a new template.",
                spec: "\(apps).DeploymentSpec")
            schemas["\(apps).DeploymentSpec"] = object(
                "The desired state of a Deployment.",
                [
                    "replicas": integer("How many pods to run. Defaults to 1."),
                    "selector": ref("\(meta).LabelSelector", "Which pods belong to the Deployment; it must match the template's labels."),
                    "template": ref("\(core).PodTemplateSpec", "The pods to create."),
                    "strategy": ref("\(apps).DeploymentStrategy", "How pods of the old template are replaced by pods of the new one."),
                    "minReadySeconds": integer("How long a new pod must be ready before it counts as available. Defaults to 0."),
                    "revisionHistoryLimit": integer("How many old ReplicaSets to keep for rollbacks. Defaults to 10."),
                    "progressDeadlineSeconds": integer(
                        "How long a rollout may go without progress before the Deployment reports ProgressDeadlineExceeded. Defaults to 600."
                    ),
                    "paused": boolean("Whether rollouts are paused."),
                ], required: ["selector", "template"])
            schemas["\(apps).DeploymentStrategy"] = object(
                "How a Deployment replaces its pods.",
                [
                    "type": string(
                        "Recreate (every old pod stops first) or RollingUpdate (the default: new pods replace old ones a few at a time).",
                        values: ["Recreate", "RollingUpdate"]),
                    "rollingUpdate": ref("\(apps).RollingUpdateDeployment", "The pace of a rolling update; only with type RollingUpdate."),
                ])
            schemas["\(apps).RollingUpdateDeployment"] = object(
                "The pace of a rolling update.",
                [
                    "maxUnavailable": string(
                        "How many pods may be unavailable during the update: a number or a percentage of replicas. Defaults to 25%."),
                    "maxSurge": string(
                        "How many pods may run above the desired number during the update: a number or a percentage. Defaults to 25%."),
                ])
            schemas["\(apps).ReplicaSet"] = kind(
                "ReplicaSet", group: "apps", "A ReplicaSet keeps a number of pods of one template running; Deployments own them.", spec: nil
            )
        default:
            return [:]
        }
        return schemas
    }

    /// Definitions the kinds share.
    static let shared: [String: ManifestValue] = [
        "\(meta).ObjectMeta": object(
            "Metadata every object has.",
            [
                "name": string("The object's name, unique for its kind in its namespace."),
                "namespace": string("The namespace the object lives in."),
                "labels": map("Key and value pairs that selectors match."),
                "annotations": map("Key and value pairs for tools; not selectable."),
                "uid": string("Set by the server: unique for the object's lifetime."),
                "resourceVersion": string("Set by the server: changes with every write."),
                "generation": integer("Set by the server: changes when the desired state changes."),
            ]),
        "\(meta).LabelSelector": object(
            "Selects objects by their labels; all its requirements must hold.",
            [
                "matchLabels": map("Labels that must be present with these values."),
                "matchExpressions": array("Further requirements (In, NotIn, Exists, DoesNotExist).", of: object("One requirement.", [:])),
            ]),
        "\(core).PodTemplateSpec": object(
            "The pods a workload creates.",
            [
                "metadata": ref("\(meta).ObjectMeta", "The pods' labels and annotations."),
                "spec": ref("\(core).PodSpec", "The pods' containers and settings."),
            ]),
        "\(core).PodSpec": object(
            "What runs in a pod.",
            [
                "containers": array("The pod's containers.", of: ref("\(core).Container")),
                "terminationGracePeriodSeconds": integer("How long a stopping container has between SIGTERM and SIGKILL. Defaults to 30."),
                "restartPolicy": string("Always (the only value for workloads), OnFailure or Never."),
            ], required: ["containers"]),
        "\(core).Container": object(
            "One container of a pod.",
            [
                "name": string("The container's name, unique in the pod."), "image": string("The image to run."),
                "command": array("Replaces the image's entrypoint.", of: string("")),
                "args": array("Replaces the image's command.", of: string("")),
                "env": array(
                    "Environment variables.",
                    of: object("One variable: name and value.", ["name": string("The name."), "value": string("The value.")])),
                "ports": array(
                    "Ports the container listens on.",
                    of: object("One port.", ["containerPort": integer("The port number."), "name": string("The port's name.")])),
                "readinessProbe": object("Decides when the container may receive traffic.", [:]),
                "livenessProbe": object("Decides when the container is restarted.", [:]),
            ], required: ["name"]),
    ]

    static func kind(_ kind: String, group: String, _ description: String, spec: String?) -> ManifestValue {
        var properties: [String: ManifestValue] = [
            "apiVersion": string("The object's versioned schema."), "kind": string("The object's kind."),
            "metadata": ref("\(meta).ObjectMeta", "The object's name, namespace, labels and annotations."),
            "status": object("The object's most recently observed state, written by its controller. Read-only.", [:]),
        ]
        if let spec { properties["spec"] = ref(spec, "The desired state.") }
        return object(description, properties, gvk: (group, kind))
    }

    static func object(_ description: String, _ properties: [String: ManifestValue], required: [String] = [], gvk: (String, String)? = nil)
        -> ManifestValue
    {
        var schema: [String: ManifestValue] = ["type": .string("object"), "description": .string(description)]
        if !properties.isEmpty { schema["properties"] = .object(properties) }
        if !required.isEmpty { schema["required"] = .array(required.map(ManifestValue.string)) }
        if let (group, kind) = gvk {
            schema["x-kubernetes-group-version-kind"] = .array([
                .object(["group": .string(group), "version": .string("v1"), "kind": .string(kind)])
            ])
        }
        return .object(schema)
    }

    static func string(_ description: String, values: [String]? = nil) -> ManifestValue {
        var schema: [String: ManifestValue] = ["type": .string("string"), "description": .string(description)]
        if let values { schema["enum"] = .array(values.map(ManifestValue.string)) }
        return .object(schema)
    }

    static func integer(_ description: String) -> ManifestValue {
        .object(["type": .string("integer"), "format": .string("int32"), "description": .string(description)])
    }

    static func boolean(_ description: String) -> ManifestValue {
        .object(["type": .string("boolean"), "description": .string(description)])
    }

    static func map(_ description: String) -> ManifestValue {
        .object([
            "type": .string("object"), "description": .string(description),
            "additionalProperties": .object(["type": .string("string"), "default": .string("")]),
        ])
    }

    static func array(_ description: String, of item: ManifestValue) -> ManifestValue {
        .object(["type": .string("array"), "description": .string(description), "items": item])
    }

    static func ref(_ name: String, _ description: String? = nil) -> ManifestValue {
        var schema: [String: ManifestValue] = [
            "allOf": .array([.object(["$ref": .string("#/components/schemas/\(name)")])]), "default": .object([:]),
        ]
        if let description { schema["description"] = .string(description) }
        return .object(schema)
    }
}
