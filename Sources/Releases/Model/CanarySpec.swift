import Manifests

/// A canary strategy, declared in the GitOps repository next to the Deployment it releases (kind `Canary`, API
/// `slipway.dev/v1`). It mirrors seed 002's objects: the Deployment in git is the primary, a `<name>-canary`
/// Deployment is made from the new version with the DestinationRule's canary-subset labels, and the VirtualService
/// route that sends to both subsets gets the weights.
///
/// ```yaml
/// apiVersion: slipway.dev/v1
/// kind: Canary
/// metadata: {name: app}
/// spec:
///   deployment: app
///   service: app-service
///   virtualService: {name: app-vs}
///   destinationRule: {name: app-dr, stableSubset: primary, canarySubset: canary}
///   steps:                      # optional: seed 002's flow when left out
///   - setWeight: 10
///   - analysis: {templates: [{templateName: success-rate}]}
///   - pause: {}
///   analysis: {templates: [{templateName: success-rate}], startingStep: 1}
/// ```
public struct CanarySpec: Sendable, Hashable, Codable {
    public var name: String
    public var namespace: String
    public var deployment: String
    public var service: String
    public var virtualService: String
    /// The HTTP route (by name) whose destinations get the weights; nil is the first route sending to both subsets.
    public var route: String?
    public var destinationRule: String
    public var stableSubset: String
    public var canarySubset: String
    public var canaryReplicas: Int
    public var steps: [CanaryStep]
    /// Templates that run alongside the steps from `backgroundStartingStep` until the release ends; a breach aborts.
    public var backgroundAnalysis: [String]
    public var backgroundStartingStep: Int
    /// How long the canary's pods may take to become available before the release aborts.
    public var progressDeadline: Duration
    /// Prometheus to ask for the built-in templates instead of the local target's own metrics.
    public var prometheusAddress: String?

    /// Seed 002's flow: 10 % to the canary, analysis of success rate and latency, then a manual gate, with the same
    /// analysis running in the background until promotion.
    public static let defaultSteps: [CanaryStep] = [.setWeight(10), .analysis(["success-rate", "latency-p99"]), .pause(nil)]
    public static let defaultBackground = ["success-rate", "latency-p99"]

    public var canaryDeployment: String { deployment + "-canary" }

    public init(
        name: String, namespace: String, deployment: String, service: String, virtualService: String, route: String? = nil,
        destinationRule: String, stableSubset: String = "primary", canarySubset: String = "canary", canaryReplicas: Int = 1,
        steps: [CanaryStep] = CanarySpec.defaultSteps, backgroundAnalysis: [String] = CanarySpec.defaultBackground,
        backgroundStartingStep: Int = 2, progressDeadline: Duration = .seconds(120), prometheusAddress: String? = nil
    ) {
        self.name = name
        self.namespace = namespace
        self.deployment = deployment
        self.service = service
        self.virtualService = virtualService
        self.route = route
        self.destinationRule = destinationRule
        self.stableSubset = stableSubset
        self.canarySubset = canarySubset
        self.canaryReplicas = canaryReplicas
        self.steps = steps
        self.backgroundAnalysis = backgroundAnalysis
        self.backgroundStartingStep = backgroundStartingStep
        self.progressDeadline = progressDeadline
        self.prometheusAddress = prometheusAddress
    }
}

extension CanarySpec {
    /// Reads a `Canary` object; every problem is reported with its field path.
    public init(_ object: ManifestValue, defaultNamespace: String) throws(StrategyError) {
        let name = object.value(at: ["metadata", "name"])?.string ?? ""
        var problems: [String] = []
        let spec = object["spec"]?.object ?? [:]
        if object["spec"]?.object == nil { problems.append("spec: required") }
        let known: Set<String> = [
            "deployment", "service", "virtualService", "destinationRule", "canaryReplicas", "steps", "analysis",
            "progressDeadlineSeconds", "prometheus",
        ]
        for key in spec.keys.sorted() where !known.contains(key) {
            problems.append("spec.\(key): unknown field, expected one of \(known.sorted().joined(separator: ", "))")
        }
        func string(_ value: ManifestValue?, _ path: String, default fallback: String? = nil) -> String {
            guard let value else {
                if fallback == nil { problems.append("\(path): required") }
                return fallback ?? ""
            }
            guard let text = value.string, !text.isEmpty else {
                problems.append("\(path): must be a non-empty string, got \(value.jsonText)")
                return fallback ?? ""
            }
            return text
        }
        let deployment = string(spec["deployment"], "spec.deployment")
        let service = string(spec["service"], "spec.service")
        let virtualService = string(spec["virtualService"]?["name"], "spec.virtualService.name")
        let route = spec["virtualService"]?["route"]?.string
        let destinationRule = string(spec["destinationRule"]?["name"], "spec.destinationRule.name")
        let stable = string(spec["destinationRule"]?["stableSubset"], "spec.destinationRule.stableSubset", default: "primary")
        let canary = string(spec["destinationRule"]?["canarySubset"], "spec.destinationRule.canarySubset", default: "canary")
        if stable == canary { problems.append("spec.destinationRule: stableSubset and canarySubset must differ, both are \"\(stable)\"") }
        var replicas = 1
        if let value = spec["canaryReplicas"] {
            if let count = value.int, count >= 1 {
                replicas = count
            } else {
                problems.append("spec.canaryReplicas: must be an integer of at least 1, got \(value.jsonText)")
            }
        }
        var deadline = Duration.seconds(120)
        if let value = spec["progressDeadlineSeconds"] {
            if let seconds = value.int, seconds > 0 {
                deadline = .seconds(seconds)
            } else {
                problems.append("spec.progressDeadlineSeconds: must be a positive integer, got \(value.jsonText)")
            }
        }
        var steps = CanarySpec.defaultSteps
        if let value = spec["steps"] {
            if let items = value.array, !items.isEmpty {
                steps = []
                for (index, item) in items.enumerated() {
                    do { steps.append(try Self.step(item, path: "spec.steps[\(index)]")) } catch { problems.append(error.description) }
                }
            } else {
                problems.append("spec.steps: must be a non-empty list of steps, got \(value.jsonText)")
            }
        }
        var background = CanarySpec.defaultBackground
        // Without a starting step, background analysis starts at the first manual gate (so it keeps watching while a
        // person decides) and does not measure twice alongside an analysis step.
        var startingStep = steps.firstIndex(of: .pause(nil)) ?? 1
        if let analysis = spec["analysis"] {
            do { background = try Self.templateNames(analysis["templates"], path: "spec.analysis.templates") } catch {
                problems.append(error.description)
            }
            if let value = analysis["startingStep"] {
                if let step = value.int, step >= 0, step <= steps.count {
                    startingStep = step
                } else {
                    problems.append("spec.analysis.startingStep: must be a step index from 0 to \(steps.count), got \(value.jsonText)")
                }
            }
        }
        if !steps.contains(where: { if case .setWeight = $0 { true } else { false } }) {
            problems.append("spec.steps: no setWeight step, so the canary would never receive traffic")
        }
        var address: String?
        if let prometheus = spec["prometheus"] { address = string(prometheus["address"], "spec.prometheus.address") }
        guard problems.isEmpty else { throw StrategyError(canary: name, problems: problems) }
        self.init(
            name: name, namespace: object.value(at: ["metadata", "namespace"])?.string ?? defaultNamespace, deployment: deployment,
            service: service, virtualService: virtualService, route: route, destinationRule: destinationRule, stableSubset: stable,
            canarySubset: canary, canaryReplicas: replicas, steps: steps, backgroundAnalysis: background,
            backgroundStartingStep: startingStep, progressDeadline: deadline, prometheusAddress: address)
    }

    static func step(_ value: ManifestValue, path: String) throws(StrategyError) -> CanaryStep {
        guard let fields = value.object, fields.count == 1, let (key, body) = fields.first else {
            throw StrategyError(problems: ["\(path): a step has exactly one of setWeight, pause, analysis, got \(value.jsonText)"])
        }
        switch key {
        case "setWeight":
            guard let weight = body.int, (0...100).contains(weight) else {
                throw StrategyError(problems: ["\(path).setWeight: must be an integer from 0 to 100, got \(body.jsonText)"])
            }
            return .setWeight(weight)
        case "pause":
            guard let pause = body.object else {
                throw StrategyError(problems: ["\(path).pause: must be {} or {duration: …}, got \(body.jsonText)"])
            }
            guard let duration = pause["duration"] else { return .pause(nil) }
            let text = duration.string ?? duration.int.map(String.init) ?? ""
            guard let parsed = ReleaseDuration.parse(text) else {
                throw StrategyError(problems: ["\(path).pause.duration: must be a duration like 30s, 5m or 30, got \(duration.jsonText)"])
            }
            return .pause(parsed)
        case "analysis":
            return .analysis(try templateNames(body["templates"], path: "\(path).analysis.templates"))
        default:
            throw StrategyError(problems: ["\(path): unknown step \"\(key)\", expected setWeight, pause or analysis"])
        }
    }

    static func templateNames(_ value: ManifestValue?, path: String) throws(StrategyError) -> [String] {
        guard let items = value?.array, !items.isEmpty else {
            throw StrategyError(problems: ["\(path): must list at least one {templateName: …}"])
        }
        var names: [String] = []
        for (index, item) in items.enumerated() {
            guard let name = item["templateName"]?.string, !name.isEmpty else {
                throw StrategyError(problems: ["\(path)[\(index)].templateName: required"])
            }
            names.append(name)
        }
        return names
    }
}

/// A strategy or template that cannot be used, with every problem found.
public struct StrategyError: Error, Sendable, Hashable, CustomStringConvertible {
    public var canary: String?
    public var problems: [String]

    public init(canary: String? = nil, problems: [String]) {
        self.canary = canary
        self.problems = problems
    }

    public var description: String {
        let head = canary.map { "Canary \"\($0)\" is invalid: " } ?? ""
        return head + problems.joined(separator: "; ")
    }
}
