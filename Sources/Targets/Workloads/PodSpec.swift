import Manifests
import TargetKit

/// The parts of a pod template the local target runs; everything else it accepts and reports as ignored.
public struct PodSpec: Sendable, Hashable {
    public var containers: [ContainerSpec]
    public var terminationGracePeriodSeconds: Int
    public var restartPolicy: String
    /// Fields accepted without effect on one machine (`resources`, `affinity`, ...), as paths.
    public var ignoredFields: [String]

    static let honoured: Set<String> = ["containers", "terminationGracePeriodSeconds", "restartPolicy"]

    init(_ value: ManifestValue, path: String, reader: FieldReader) throws(TargetError) {
        guard let fields = value.object else { throw reader.invalid(path, "must be an object") }
        guard let list = fields["containers"]?.array, !list.isEmpty else { throw reader.required("\(path).containers") }
        var containers: [ContainerSpec] = []
        var ignored = fields.filter { !Self.honoured.contains($0.key) && !$0.value.isEmptyValue }.keys.sorted().map { "\(path).\($0)" }
        var names: Set<String> = []
        for (index, item) in list.enumerated() {
            let container = try ContainerSpec(item, path: "\(path).containers[\(index)]", reader: reader)
            guard names.insert(container.name).inserted else {
                throw reader.invalid("\(path).containers[\(index)].name", "Duplicate value: \"\(container.name)\"")
            }
            ignored += container.ignoredFields
            containers.append(container)
        }
        guard containers.count == 1 else {
            throw reader.invalid("\(path).containers", "the local target runs one container per pod (found \(containers.count))")
        }
        self.containers = containers
        terminationGracePeriodSeconds = try reader.int(
            fields["terminationGracePeriodSeconds"], "\(path).terminationGracePeriodSeconds", default: 30, minimum: 0)
        restartPolicy = try reader.string(fields["restartPolicy"], "\(path).restartPolicy") ?? "Always"
        guard ["Always", "OnFailure", "Never"].contains(restartPolicy) else {
            throw reader.invalid(
                "\(path).restartPolicy", "Unsupported value: \"\(restartPolicy)\": supported values: \"Always\", \"OnFailure\", \"Never\"")
        }
        ignoredFields = ignored
    }
}

/// One container of a pod template.
public struct ContainerSpec: Sendable, Hashable {
    public var name: String
    public var image: String
    public var command: [String]?
    public var args: [String]?
    public var workingDir: String?
    public var env: [EnvVar]
    public var envFrom: [EnvFromSource]
    public var ports: [ContainerPort]
    public var readinessProbe: Probe?
    public var livenessProbe: Probe?
    public var startupProbe: Probe?
    public var imagePullPolicy: String
    public var ignoredFields: [String]

    static let honoured: Set<String> = [
        "name", "image", "command", "args", "workingDir", "env", "envFrom", "ports", "readinessProbe",
        "livenessProbe", "startupProbe", "imagePullPolicy",
    ]

    init(_ value: ManifestValue, path: String, reader: FieldReader) throws(TargetError) {
        guard let fields = value.object else { throw reader.invalid(path, "must be an object") }
        guard let name = try reader.string(fields["name"], "\(path).name"), !name.isEmpty else { throw reader.required("\(path).name") }
        guard let image = try reader.string(fields["image"], "\(path).image"), !image.isEmpty else {
            throw reader.required("\(path).image")
        }
        self.name = name
        self.image = image
        command = try reader.strings(fields["command"], "\(path).command")
        args = try reader.strings(fields["args"], "\(path).args")
        workingDir = try reader.string(fields["workingDir"], "\(path).workingDir")
        env = try (fields["env"]?.array ?? []).enumerated().map { (index, item) throws(TargetError) in
            try EnvVar(item, path: "\(path).env[\(index)]", reader: reader)
        }
        envFrom = try (fields["envFrom"]?.array ?? []).enumerated().map { (index, item) throws(TargetError) in
            try EnvFromSource(item, path: "\(path).envFrom[\(index)]", reader: reader)
        }
        ports = try (fields["ports"]?.array ?? []).enumerated().map { (index, item) throws(TargetError) in
            let port = "\(path).ports[\(index)]"
            let number = try reader.int(item["containerPort"], "\(port).containerPort", default: 0, minimum: 1, maximum: 65535)
            return ContainerPort(
                name: try reader.string(item["name"], "\(port).name"), containerPort: number,
                protocolName: try reader.string(item["protocol"], "\(port).protocol") ?? "TCP")
        }
        readinessProbe = try fields["readinessProbe"].map { v throws(TargetError) in
            try Probe(v, path: "\(path).readinessProbe", reader: reader)
        }
        livenessProbe = try fields["livenessProbe"].map { v throws(TargetError) in
            try Probe(v, path: "\(path).livenessProbe", reader: reader)
        }
        startupProbe = try fields["startupProbe"].map { v throws(TargetError) in try Probe(v, path: "\(path).startupProbe", reader: reader)
        }
        let tag = image.split(separator: "/").last.flatMap { $0.split(separator: "@").first }.map { $0.split(separator: ":") }
        let latest = image.contains("@") ? false : (tag.map { $0.count < 2 || $0.last == "latest" } ?? true)
        imagePullPolicy = try reader.string(fields["imagePullPolicy"], "\(path).imagePullPolicy") ?? (latest ? "Always" : "IfNotPresent")
        guard ["Always", "IfNotPresent", "Never"].contains(imagePullPolicy) else {
            throw reader.invalid(
                "\(path).imagePullPolicy",
                "Unsupported value: \"\(imagePullPolicy)\": supported values: \"Always\", \"IfNotPresent\", \"Never\"")
        }
        ignoredFields = fields.filter { !Self.honoured.contains($0.key) && !$0.value.isEmptyValue }.keys.sorted().map { "\(path).\($0)" }
    }

    /// The port a probe names (by number or by the name of a container port).
    func resolve(_ port: PortReference) -> Int? {
        switch port {
        case .number(let number): number
        case .name(let name): ports.first { $0.name == name }?.containerPort
        }
    }
}

public struct ContainerPort: Sendable, Hashable {
    public var name: String?
    public var containerPort: Int
    public var protocolName: String
}

/// `env[]`: a value, or one from a ConfigMap, a Secret or the pod's own fields.
public struct EnvVar: Sendable, Hashable {
    public enum Source: Sendable, Hashable {
        case value(String)
        case configMapKey(name: String, key: String, optional: Bool)
        case secretKey(name: String, key: String, optional: Bool)
        case field(String)
    }

    public var name: String
    public var source: Source

    init(_ value: ManifestValue, path: String, reader: FieldReader) throws(TargetError) {
        guard let name = try reader.string(value["name"], "\(path).name"), !name.isEmpty else { throw reader.required("\(path).name") }
        self.name = name
        if let from = value["valueFrom"] {
            if let ref = from["configMapKeyRef"] {
                source = .configMapKey(
                    name: try reader.string(ref["name"], "\(path).valueFrom.configMapKeyRef.name") ?? "",
                    key: try reader.string(ref["key"], "\(path).valueFrom.configMapKeyRef.key") ?? "",
                    optional: ref["optional"]?.bool ?? false)
            } else if let ref = from["secretKeyRef"] {
                source = .secretKey(
                    name: try reader.string(ref["name"], "\(path).valueFrom.secretKeyRef.name") ?? "",
                    key: try reader.string(ref["key"], "\(path).valueFrom.secretKeyRef.key") ?? "", optional: ref["optional"]?.bool ?? false
                )
            } else if let ref = from["fieldRef"], let field = try reader.string(ref["fieldPath"], "\(path).valueFrom.fieldRef.fieldPath") {
                let supported = [
                    "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName", "status.hostIP",
                    "status.podIP", "status.podIPs",
                ]
                guard supported.contains(field) || field.hasPrefix("metadata.labels['") || field.hasPrefix("metadata.annotations['") else {
                    throw reader.invalid("\(path).valueFrom.fieldRef.fieldPath", "Unsupported value: \"\(field)\"")
                }
                source = .field(field)
            } else {
                throw reader.invalid(
                    "\(path).valueFrom",
                    "must specify one of: `fieldRef`, `configMapKeyRef` or `secretKeyRef` (`resourceFieldRef` is not supported locally)")
            }
        } else {
            source = .value(try reader.string(value["value"], "\(path).value") ?? "")
        }
    }
}

/// `envFrom[]`: every key of a ConfigMap or Secret, with an optional prefix.
public struct EnvFromSource: Sendable, Hashable {
    public var prefix: String
    public var configMap: String?
    public var secret: String?
    public var optional: Bool

    init(_ value: ManifestValue, path: String, reader: FieldReader) throws(TargetError) {
        prefix = try reader.string(value["prefix"], "\(path).prefix") ?? ""
        configMap = try reader.string(value["configMapRef"]?["name"], "\(path).configMapRef.name")
        secret = try reader.string(value["secretRef"]?["name"], "\(path).secretRef.name")
        optional = (value["configMapRef"]?["optional"] ?? value["secretRef"]?["optional"])?.bool ?? false
        guard (configMap == nil) != (secret == nil) else {
            throw reader.invalid(path, "must specify one of: `configMapRef` or `secretRef`")
        }
    }
}

public enum PortReference: Sendable, Hashable {
    case number(Int)
    case name(String)
}

/// A readiness, liveness or startup probe with Kubernetes' defaults.
public struct Probe: Sendable, Hashable {
    public enum Handler: Sendable, Hashable {
        case httpGet(path: String, port: PortReference, scheme: String, headers: [String: String])
        case tcpSocket(port: PortReference)
        case exec(command: [String])
    }

    public var handler: Handler
    public var initialDelaySeconds: Int
    public var periodSeconds: Int
    public var timeoutSeconds: Int
    public var successThreshold: Int
    public var failureThreshold: Int

    init(_ value: ManifestValue, path: String, reader: FieldReader) throws(TargetError) {
        func port(_ value: ManifestValue?, _ field: String) throws(TargetError) -> PortReference {
            if let number = value?.int {
                guard (1...65535).contains(number) else {
                    throw reader.invalid(field, "Invalid value: \(number): must be between 1 and 65535, inclusive")
                }
                return .number(number)
            }
            if let name = value?.string, !name.isEmpty { return Int(name).map(PortReference.number) ?? .name(name) }
            throw reader.required(field)
        }
        var handlers: [Handler] = []
        if let get = value["httpGet"] {
            var headers: [String: String] = [:]
            for header in get["httpHeaders"]?.array ?? [] {
                if let name = header["name"]?.string { headers[name] = header["value"]?.string ?? "" }
            }
            let scheme = try reader.string(get["scheme"], "\(path).httpGet.scheme") ?? "HTTP"
            guard scheme == "HTTP" else {
                throw reader.invalid("\(path).httpGet.scheme", "Unsupported value: \"\(scheme)\": the local target probes over HTTP")
            }
            handlers.append(
                .httpGet(
                    path: try reader.string(get["path"], "\(path).httpGet.path") ?? "/",
                    port: try port(get["port"], "\(path).httpGet.port"), scheme: scheme, headers: headers))
        }
        if let tcp = value["tcpSocket"] { handlers.append(.tcpSocket(port: try port(tcp["port"], "\(path).tcpSocket.port"))) }
        if let exec = value["exec"] {
            guard let command = try reader.strings(exec["command"], "\(path).exec.command"), !command.isEmpty else {
                throw reader.required("\(path).exec.command")
            }
            handlers.append(.exec(command: command))
        }
        if value["grpc"] != nil { throw reader.invalid("\(path).grpc", "gRPC probes are not supported by the local target") }
        guard handlers.count == 1, let handler = handlers.first else {
            throw reader.invalid(
                path,
                handlers.isEmpty ? "Required value: must specify a handler type" : "Forbidden: may not specify more than 1 handler type")
        }
        self.handler = handler
        initialDelaySeconds = try reader.int(value["initialDelaySeconds"], "\(path).initialDelaySeconds", default: 0, minimum: 0)
        periodSeconds = try reader.int(value["periodSeconds"], "\(path).periodSeconds", default: 10, minimum: 1)
        timeoutSeconds = try reader.int(value["timeoutSeconds"], "\(path).timeoutSeconds", default: 1, minimum: 1)
        successThreshold = try reader.int(value["successThreshold"], "\(path).successThreshold", default: 1, minimum: 1)
        failureThreshold = try reader.int(value["failureThreshold"], "\(path).failureThreshold", default: 3, minimum: 1)
    }
}

extension ManifestValue {
    /// `{}`, `[]` or null: a field written out with nothing in it asks for nothing (kubectl's rollback copies `resources: {}`).
    var isEmptyValue: Bool {
        switch self {
        case .null: true
        case .object(let fields): fields.isEmpty
        case .array(let items): items.isEmpty
        default: false
        }
    }
}
