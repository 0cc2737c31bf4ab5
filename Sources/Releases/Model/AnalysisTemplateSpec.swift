import Expressions
import Foundation
import Manifests

/// An analysis template (kind `AnalysisTemplate`, API `slipway.dev/v1`, shaped like Argo Rollouts' own): metrics with
/// a provider, conditions and limits; `{{args.NAME}}` in queries is filled from the release (`namespace`, `service`,
/// `canary`, `primary`) or the template's own defaults. `success-rate` and `latency-p99` are built in.
public struct AnalysisTemplateSpec: Sendable, Hashable, Codable {
    public struct Metric: Sendable, Hashable, Codable {
        public var metric: AnalysisMetric
        /// The provider before arguments are filled in.
        public var provider: ProviderTemplate
    }

    public enum ProviderTemplate: Sendable, Hashable, Codable {
        case prometheus(address: String, query: String, requestsQuery: String?, timeout: Duration)
        case local(MetricProvider.LocalMeasure.Kind, window: Duration)
    }

    public var name: String
    public var arguments: [String: String]
    public var metrics: [Metric]

    public static let builtInNames = ["success-rate", "latency-p99"]

    /// The metrics with arguments filled in; an argument used but given nowhere is an error.
    public func resolve(_ given: [String: String]) throws(StrategyError) -> [AnalysisMetric] {
        let values = arguments.merging(given) { $1 }
        func fill(_ text: String) throws(StrategyError) -> String {
            var result = ""
            var rest = Substring(text)
            while let open = rest.range(of: "{{") {
                result += rest[..<open.lowerBound]
                guard let close = rest[open.upperBound...].range(of: "}}") else {
                    throw StrategyError(problems: ["AnalysisTemplate \"\(name)\": unterminated {{ in \(text)"])
                }
                let reference = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
                guard reference.hasPrefix("args."), let value = values[String(reference.dropFirst(5))] else {
                    throw StrategyError(problems: [
                        "AnalysisTemplate \"\(name)\": {{\(reference)}} has no value (arguments: "
                            + "\(values.keys.sorted().joined(separator: ", ")))"
                    ])
                }
                result += value
                rest = rest[close.upperBound...]
            }
            return result + rest
        }
        var resolved: [AnalysisMetric] = []
        for entry in metrics {
            var metric = entry.metric
            switch entry.provider {
            case .prometheus(let address, let query, let requestsQuery, let timeout):
                var filledRequests: String?
                if let requestsQuery { filledRequests = try fill(requestsQuery) }
                metric.provider = .prometheus(
                    .init(address: try fill(address), query: try fill(query), requestsQuery: filledRequests, timeout: timeout))
            case .local(let kind, let window):
                metric.provider = .local(
                    .init(
                        kind: kind, namespace: values["namespace"] ?? "default", service: values["service"] ?? "",
                        workload: values["canary"] ?? "", window: window))
            }
            resolved.append(metric)
        }
        return resolved
    }
}

extension AnalysisTemplateSpec {
    /// The built-in templates: measured by the local target, or by Prometheus with Istio's metric names when an
    /// address is given (the queries seed 002 meant: the Service's real name, the destination reporter, the canary
    /// workload, and a traffic guard).
    public static func builtIn(_ name: String, prometheus address: String?) -> AnalysisTemplateSpec? {
        let interval = Duration.seconds(5)
        let selector = #"reporter="destination",destination_workload_namespace="{{args.namespace}}",destination_workload="{{args.canary}}""#
        let requests = "sum(increase(istio_requests_total{\(selector)}[30s]))"
        func metric(_ condition: String) -> AnalysisMetric {
            AnalysisMetric(
                name: name, interval: interval, initialDelay: .seconds(5), count: 6,
                successCondition: try? ConditionExpression(condition), failureLimit: 1, inconclusiveLimit: 2,
                minRequests: 20, provider: .local(.init(kind: .requests, namespace: "", service: "", workload: "", window: .zero)))
        }
        switch (name, address) {
        case ("success-rate", nil):
            return AnalysisTemplateSpec(
                name: name, arguments: [:],
                metrics: [.init(metric: metric("result >= 0.95"), provider: .local(.successRate, window: .seconds(10)))])
        case ("latency-p99", nil):
            return AnalysisTemplateSpec(
                name: name, arguments: [:],
                metrics: [.init(metric: metric("result <= 500"), provider: .local(.latencyP99, window: .seconds(10)))])
        case ("success-rate", let address?):
            let query =
                "sum(rate(istio_requests_total{\(selector),response_code!~\"5.*\"}[30s])) / "
                + "sum(rate(istio_requests_total{\(selector)}[30s]))"
            return AnalysisTemplateSpec(
                name: name, arguments: [:],
                metrics: [
                    .init(
                        metric: metric("result[0] >= 0.95"),
                        provider: .prometheus(address: address, query: query, requestsQuery: requests, timeout: .seconds(10)))
                ])
        case ("latency-p99", let address?):
            let query = "histogram_quantile(0.99, sum(rate(istio_request_duration_milliseconds_bucket{\(selector)}[30s])) by (le))"
            return AnalysisTemplateSpec(
                name: name, arguments: [:],
                metrics: [
                    .init(
                        metric: metric("result[0] <= 500"),
                        provider: .prometheus(address: address, query: query, requestsQuery: requests, timeout: .seconds(10)))
                ])
        default:
            return nil
        }
    }

    /// Reads an `AnalysisTemplate` object; every problem is reported with its field path.
    public init(_ object: ManifestValue) throws(StrategyError) {
        let name = object.value(at: ["metadata", "name"])?.string ?? ""
        var problems: [String] = []
        var arguments: [String: String] = [:]
        for (index, argument) in (object.value(at: ["spec", "args"])?.array ?? []).enumerated() {
            guard let argumentName = argument["name"]?.string else {
                problems.append("spec.args[\(index)].name: required")
                continue
            }
            if let value = argument["value"]?.string { arguments[argumentName] = value }
        }
        var metrics: [Metric] = []
        let items = object.value(at: ["spec", "metrics"])?.array ?? []
        if items.isEmpty { problems.append("spec.metrics: must list at least one metric") }
        for (index, item) in items.enumerated() {
            do { metrics.append(try Self.metric(item, path: "spec.metrics[\(index)]")) } catch { problems += error.problems }
        }
        guard problems.isEmpty else {
            throw StrategyError(problems: problems.map { "AnalysisTemplate \"\(name)\" \($0)" })
        }
        self.init(name: name, arguments: arguments, metrics: metrics)
    }

    static func metric(_ item: ManifestValue, path: String) throws(StrategyError) -> Metric {
        var problems: [String] = []
        let known: Set<String> = [
            "name", "interval", "initialDelay", "count", "successCondition", "failureCondition", "failureLimit",
            "inconclusiveLimit", "consecutiveErrorLimit", "consecutiveSuccessLimit", "minRequests", "dryRun", "provider",
        ]
        for key in (item.object ?? [:]).keys.sorted() where !known.contains(key) {
            problems.append("\(path).\(key): unknown field")
        }
        let name = item["name"]?.string ?? ""
        if name.isEmpty { problems.append("\(path).name: required") }
        func duration(_ key: String) -> Duration? {
            guard let value = item[key] else { return nil }
            let text = value.string ?? value.int.map(String.init) ?? ""
            guard let parsed = ReleaseDuration.parse(text) else {
                problems.append("\(path).\(key): must be a duration like 30s or 5m, got \(value.jsonText)")
                return nil
            }
            return parsed
        }
        func integer(_ key: String, minimum: Int) -> Int? {
            guard let value = item[key] else { return nil }
            guard let number = value.int, number >= minimum else {
                problems.append("\(path).\(key): must be an integer of at least \(minimum), got \(value.jsonText)")
                return nil
            }
            return number
        }
        func condition(_ key: String) -> ConditionExpression? {
            guard let value = item[key] else { return nil }
            guard let text = value.string else {
                problems.append("\(path).\(key): must be a string, got \(value.jsonText)")
                return nil
            }
            do {
                let expression = try ConditionExpression(text)
                if let unknown = expression.variables.subtracting(["result"]).sorted().first {
                    problems.append("\(path).\(key): unknown name \(unknown) in \(text) (a condition reads `result`)")
                }
                return expression
            } catch {
                problems.append("\(path).\(key): \(error) in \(text)")
                return nil
            }
        }
        var provider: ProviderTemplate?
        if let prometheus = item.value(at: ["provider", "prometheus"]) {
            let address = prometheus["address"]?.string ?? ""
            let query = prometheus["query"]?.string ?? ""
            if address.isEmpty { problems.append("\(path).provider.prometheus.address: required") }
            if query.isEmpty { problems.append("\(path).provider.prometheus.query: required") }
            let timeout = prometheus["timeout"]?.string.flatMap(ReleaseDuration.parse) ?? .seconds(10)
            provider = .prometheus(address: address, query: query, requestsQuery: prometheus["requestsQuery"]?.string, timeout: timeout)
        } else if let local = item.value(at: ["provider", "local"]) {
            let measure = local["metric"]?.string ?? ""
            let window = local["window"]?.string.flatMap(ReleaseDuration.parse) ?? .seconds(30)
            if let kind = MetricProvider.LocalMeasure.Kind(rawValue: measure) {
                provider = .local(kind, window: window)
            } else {
                let known = MetricProvider.LocalMeasure.Kind.allCases.map(\.rawValue).joined(separator: ", ")
                problems.append("\(path).provider.local.metric: unknown metric \"\(measure)\", expected one of \(known)")
            }
        } else {
            problems.append("\(path).provider: must be {prometheus: {address, query}} or {local: {metric, window}}")
        }
        let metric = AnalysisMetric(
            name: name, interval: duration("interval"), initialDelay: duration("initialDelay") ?? .zero,
            count: integer("count", minimum: 0),
            successCondition: condition("successCondition"), failureCondition: condition("failureCondition"),
            failureLimit: integer("failureLimit", minimum: -1) ?? 0, inconclusiveLimit: integer("inconclusiveLimit", minimum: 0) ?? 0,
            consecutiveErrorLimit: integer("consecutiveErrorLimit", minimum: 0) ?? 4,
            consecutiveSuccessLimit: integer("consecutiveSuccessLimit", minimum: 0) ?? 0, minRequests: integer("minRequests", minimum: 0),
            dryRun: item["dryRun"]?.bool ?? false,
            provider: .local(.init(kind: .requests, namespace: "", service: "", workload: "", window: .zero)))
        guard problems.isEmpty, let provider else { throw StrategyError(problems: problems) }
        return Metric(metric: metric, provider: provider)
    }
}
