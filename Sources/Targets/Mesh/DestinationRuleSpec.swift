import Manifests
import TargetKit

/// An Istio DestinationRule: subsets by pod labels and the traffic policy of each.
public struct DestinationRuleSpec: Sendable, Hashable {
    public struct TrafficPolicy: Sendable, Hashable {
        public var loadBalancer: String?
        public var connectTimeout: Duration?
        public var consecutive5xxErrors: Int?
        public var consecutiveGatewayErrors: Int?
        public var interval: Duration?
        public var baseEjectionTime: Duration?
        public var maxEjectionPercent: Int?

        /// Fields set in `other` win.
        func overridden(by other: TrafficPolicy?) -> TrafficPolicy {
            guard let other else { return self }
            return TrafficPolicy(
                loadBalancer: other.loadBalancer ?? loadBalancer, connectTimeout: other.connectTimeout ?? connectTimeout,
                consecutive5xxErrors: other.consecutive5xxErrors ?? consecutive5xxErrors,
                consecutiveGatewayErrors: other.consecutiveGatewayErrors ?? consecutiveGatewayErrors,
                interval: other.interval ?? interval, baseEjectionTime: other.baseEjectionTime ?? baseEjectionTime,
                maxEjectionPercent: other.maxEjectionPercent ?? maxEjectionPercent)
        }

        public var hasOutlierDetection: Bool { consecutive5xxErrors != nil || consecutiveGatewayErrors != nil }
    }

    public struct Subset: Sendable, Hashable {
        public var name: String
        public var labels: [String: String]
        public var trafficPolicy: TrafficPolicy?
    }

    public var host: String
    public var subsets: [Subset]
    public var trafficPolicy: TrafficPolicy

    public init(_ object: ManifestValue) throws(TargetError) {
        let name = object.value(at: ["metadata", "name"])?.string ?? ""
        let reader = FieldReader(kind: "DestinationRule.networking.istio.io", name: name)
        func istio(_ detail: String) -> TargetError {
            .invalid(
                "admission webhook \"validation.istio.io\" denied the request: configuration is invalid: \(detail) (DestinationRule "
                    + "\(name))"
            )
        }
        let spec = object["spec"] ?? .object([:])
        guard let host = try reader.string(spec["host"], "spec.host"), !host.isEmpty else { throw istio("host must be specified") }
        self.host = host
        func policy(_ value: ManifestValue?, _ path: String) throws(TargetError) -> TrafficPolicy? {
            guard let value else { return nil }
            func duration(_ field: [String]) throws(TargetError) -> Duration? {
                guard let text = value.value(at: field)?.string else { return nil }
                guard let parsed = IstioDuration.parse(text) else {
                    throw istio("\(path).\(field.joined(separator: ".")): invalid duration \"\(text)\"")
                }
                return parsed
            }
            let simple = value.value(at: ["loadBalancer", "simple"])?.string
            if let simple, !["ROUND_ROBIN", "LEAST_REQUEST", "LEAST_CONN", "RANDOM", "PASSTHROUGH", "UNSPECIFIED"].contains(simple) {
                throw istio("\(path).loadBalancer.simple: unknown load balancer \"\(simple)\"")
            }
            let outlier = value["outlierDetection"]
            return TrafficPolicy(
                loadBalancer: simple, connectTimeout: try duration(["connectionPool", "tcp", "connectTimeout"]),
                consecutive5xxErrors: outlier?["consecutive5xxErrors"]?.int ?? outlier?["consecutiveErrors"]?.int,
                consecutiveGatewayErrors: outlier?["consecutiveGatewayErrors"]?.int,
                interval: try duration(["outlierDetection", "interval"]),
                baseEjectionTime: try duration(["outlierDetection", "baseEjectionTime"]),
                maxEjectionPercent: outlier?["maxEjectionPercent"]?.int)
        }
        trafficPolicy = try policy(spec["trafficPolicy"], "spec.trafficPolicy") ?? TrafficPolicy()
        var subsets: [Subset] = []
        var names: Set<String> = []
        for (index, item) in (spec["subsets"]?.array ?? []).enumerated() {
            guard let subset = try reader.string(item["name"], "spec.subsets[\(index)].name"), Names.isLabel(subset) else {
                throw istio("spec.subsets[\(index)]: subset name is invalid: must be a DNS-1123 label")
            }
            guard names.insert(subset).inserted else { throw istio("duplicate subset names: \(subset)") }
            subsets.append(
                Subset(
                    name: subset, labels: try reader.labels(item["labels"], "spec.subsets[\(index)].labels"),
                    trafficPolicy: try policy(item["trafficPolicy"], "spec.subsets[\(index)].trafficPolicy")))
        }
        self.subsets = subsets
    }
}
