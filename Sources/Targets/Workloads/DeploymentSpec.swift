import Manifests
import TargetKit

/// A Deployment's spec with Kubernetes' defaults and validation.
public struct DeploymentSpec: Sendable, Hashable {
    public enum Strategy: Sendable, Hashable {
        case rollingUpdate(maxSurge: IntOrPercent, maxUnavailable: IntOrPercent)
        case recreate
    }

    public var replicas: Int
    public var selector: LabelSelector
    public var templateLabels: [String: String]
    /// The pod template as written (its hash names the ReplicaSet).
    public var template: ManifestValue
    public var pod: PodSpec
    public var strategy: Strategy
    public var minReadySeconds: Int
    public var progressDeadlineSeconds: Int
    public var revisionHistoryLimit: Int
    public var paused: Bool

    public init(_ object: ManifestValue) throws(TargetError) {
        let reader = FieldReader(kind: "Deployment.apps", name: object.value(at: ["metadata", "name"])?.string ?? "")
        guard let spec = object["spec"], spec.object != nil else { throw reader.required("spec") }
        replicas = try reader.int(spec["replicas"], "spec.replicas", default: 1, minimum: 0)
        guard let selectorValue = spec["selector"] else { throw reader.required("spec.selector") }
        selector = try LabelSelector(selectorValue, path: "spec.selector", reader: reader)
        guard !selector.isEmpty else {
            throw reader.invalid("spec.selector", "Invalid value: \"null\": empty selector is invalid for deployment")
        }
        guard let template = spec["template"] else { throw reader.required("spec.template") }
        self.template = template
        templateLabels = try reader.labels(template.value(at: ["metadata", "labels"]), "spec.template.metadata.labels")
        guard selector.matches(templateLabels) else {
            let shown = templateLabels.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\"\($0.value)\"" }.joined(separator: ", ")
            throw reader.invalid(
                "spec.template.metadata.labels", "Invalid value: map[string]string{\(shown)}: `selector` does not match template `labels`")
        }
        guard let podValue = template["spec"] else { throw reader.required("spec.template.spec.containers") }
        pod = try PodSpec(podValue, path: "spec.template.spec", reader: reader)
        guard pod.restartPolicy == "Always" else {
            throw reader.invalid(
                "spec.template.spec.restartPolicy", "Unsupported value: \"\(pod.restartPolicy)\": supported values: \"Always\"")
        }
        minReadySeconds = try reader.int(spec["minReadySeconds"], "spec.minReadySeconds", default: 0, minimum: 0)
        progressDeadlineSeconds = try reader.int(spec["progressDeadlineSeconds"], "spec.progressDeadlineSeconds", default: 600, minimum: 1)
        guard progressDeadlineSeconds > minReadySeconds else {
            throw reader.invalid(
                "spec.progressDeadlineSeconds", "Invalid value: \(progressDeadlineSeconds): must be greater than minReadySeconds")
        }
        revisionHistoryLimit = try reader.int(spec["revisionHistoryLimit"], "spec.revisionHistoryLimit", default: 10, minimum: 0)
        paused = spec["paused"]?.bool ?? false
        let type = try reader.string(spec.value(at: ["strategy", "type"]), "spec.strategy.type") ?? "RollingUpdate"
        switch type {
        case "Recreate":
            if spec.value(at: ["strategy", "rollingUpdate"]) != nil {
                throw reader.invalid("spec.strategy.rollingUpdate", "Forbidden: may not be specified when strategy `type` is 'Recreate'")
            }
            strategy = .recreate
        case "RollingUpdate":
            func bound(_ key: String) throws(TargetError) -> IntOrPercent {
                guard let value = spec.value(at: ["strategy", "rollingUpdate", key]), !value.isNull else { return .percent(25) }
                if let number = value.int, number >= 0 { return .count(number) }
                do { return try IntOrPercent(parsing: value.string ?? value.jsonText) } catch {
                    throw reader.invalid("spec.strategy.rollingUpdate.\(key)", "Invalid value: \(value.jsonText): \(error.description)")
                }
            }
            let surge = try bound("maxSurge")
            let unavailable = try bound("maxUnavailable")
            if case .percent(let value) = unavailable, value > 100 {
                throw reader.invalid(
                    "spec.strategy.rollingUpdate.maxUnavailable", "Invalid value: \"\(value)%\": must not be greater than 100%")
            }
            if surge.resolve(total: 100, roundUp: true) == 0, unavailable.resolve(total: 100, roundUp: false) == 0,
                case .count = surge, case .count = unavailable
            {
                throw reader.invalid("spec.strategy.rollingUpdate.maxUnavailable", "Invalid value: 0: may not be 0 when `maxSurge` is 0")
            }
            strategy = .rollingUpdate(maxSurge: surge, maxUnavailable: unavailable)
        default:
            throw reader.invalid("spec.strategy.type", "Unsupported value: \"\(type)\": supported values: \"Recreate\", \"RollingUpdate\"")
        }
    }

    /// The rolling-update bounds for the current replica count.
    public func rollingUpdate() throws(TargetError) -> RollingUpdate {
        switch strategy {
        case .rollingUpdate(let surge, let unavailable): try RollingUpdate(replicas: replicas, maxSurge: surge, maxUnavailable: unavailable)
        case .recreate: try RollingUpdate(replicas: replicas, maxSurge: .count(0), maxUnavailable: .percent(100))
        }
    }
}

/// `matchLabels` and `matchExpressions`, as Deployments, ReplicaSets and Services select pods.
public struct LabelSelector: Sendable, Hashable {
    public struct Requirement: Sendable, Hashable {
        public var key: String
        public var op: String
        public var values: [String]
    }

    public var matchLabels: [String: String]
    public var expressions: [Requirement]

    public init(matchLabels: [String: String], expressions: [Requirement] = []) {
        self.matchLabels = matchLabels
        self.expressions = expressions
    }

    init(_ value: ManifestValue, path: String, reader: FieldReader) throws(TargetError) {
        matchLabels = try reader.labels(value["matchLabels"], "\(path).matchLabels")
        expressions = []
        for (index, item) in (value["matchExpressions"]?.array ?? []).enumerated() {
            let field = "\(path).matchExpressions[\(index)]"
            guard let key = try reader.string(item["key"], "\(field).key") else { throw reader.required("\(field).key") }
            let op = try reader.string(item["operator"], "\(field).operator") ?? ""
            let values = try reader.strings(item["values"], "\(field).values") ?? []
            switch op {
            case "In", "NotIn":
                guard !values.isEmpty else {
                    throw reader.invalid("\(field).values", "Required value: must be specified when `operator` is 'In' or 'NotIn'")
                }
            case "Exists", "DoesNotExist":
                guard values.isEmpty else {
                    throw reader.invalid("\(field).values", "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'")
                }
            default:
                throw reader.invalid("\(field).operator", "Invalid value: \"\(op)\": not a valid selector operator")
            }
            expressions.append(Requirement(key: key, op: op, values: values))
        }
    }

    public var isEmpty: Bool { matchLabels.isEmpty && expressions.isEmpty }

    public func matches(_ labels: [String: String]) -> Bool {
        for (key, value) in matchLabels where labels[key] != value { return false }
        for requirement in expressions {
            let value = labels[requirement.key]
            switch requirement.op {
            case "In": if !(value.map(requirement.values.contains) ?? false) { return false }
            case "NotIn": if let value, requirement.values.contains(value) { return false }
            case "Exists": if value == nil { return false }
            case "DoesNotExist": if value != nil { return false }
            default: return false
            }
        }
        return true
    }
}
