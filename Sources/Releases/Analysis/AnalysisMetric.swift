import Expressions

/// One metric of an analysis, with Argo Rollouts' fields and defaults, plus `minRequests`: below that many requests
/// in the window a measurement is Inconclusive ("too little traffic") instead of being judged on noise.
public struct AnalysisMetric: Sendable, Hashable, Codable {
    public var name: String
    /// Time between measurements; nil takes one measurement.
    public var interval: Duration?
    public var initialDelay: Duration
    /// Measurements to take; nil is one without `interval` and unbounded with it.
    public var count: Int?
    public var successCondition: ConditionExpression?
    public var failureCondition: ConditionExpression?
    /// The metric fails when failed measurements exceed this (so 0 fails on the first); -1 never fails on count.
    public var failureLimit: Int
    public var inconclusiveLimit: Int
    public var consecutiveErrorLimit: Int
    /// Successful once this many measurements in a row succeeded; 0 is off.
    public var consecutiveSuccessLimit: Int
    public var minRequests: Int?
    /// Measured and recorded, never counted towards the verdict.
    public var dryRun: Bool
    public var provider: MetricProvider

    public init(
        name: String, interval: Duration? = nil, initialDelay: Duration = .zero, count: Int? = nil,
        successCondition: ConditionExpression? = nil, failureCondition: ConditionExpression? = nil,
        failureLimit: Int = 0, inconclusiveLimit: Int = 0, consecutiveErrorLimit: Int = 4,
        consecutiveSuccessLimit: Int = 0, minRequests: Int? = nil, dryRun: Bool = false, provider: MetricProvider
    ) {
        self.name = name
        self.interval = interval
        self.initialDelay = initialDelay
        self.count = count
        self.successCondition = successCondition
        self.failureCondition = failureCondition
        self.failureLimit = failureLimit
        self.inconclusiveLimit = inconclusiveLimit
        self.consecutiveErrorLimit = consecutiveErrorLimit
        self.consecutiveSuccessLimit = consecutiveSuccessLimit
        self.minRequests = minRequests
        self.dryRun = dryRun
        self.provider = provider
    }

    /// How many measurements end the metric; nil while it runs until the analysis is stopped.
    public var effectiveCount: Int? {
        if let count, count > 0 { return count }
        return interval == nil ? 1 : nil
    }

    /// The verdict on one sample: no data and too little traffic are Inconclusive; then Argo Rollouts' table —
    /// the failure condition is checked first; with only a success condition anything else fails; with only a
    /// failure condition anything else succeeds; with both and neither true the sample is Inconclusive; with
    /// neither condition it succeeds. A condition that cannot be evaluated is an Error.
    public func judge(_ sample: MetricSample) -> (phase: MeasurementPhase, message: String) {
        guard sample.hasData else {
            let why = sample.values.isEmpty ? "the query returned no samples" : "the value is NaN (no requests in the window)"
            return (.inconclusive, "no data: \(why)")
        }
        if let minRequests, let requests = sample.requests, requests < minRequests {
            return (
                .inconclusive,
                "too little traffic: \(requests) request\(requests == 1 ? "" : "s") in the window, at least \(minRequests) needed"
            )
        }
        let result: ConditionValue =
            switch sample.shape {
            case .scalar: .number(sample.values[0])
            case .vector: .list(sample.values.map { .number($0) })
            }
        let variables = ["result": result]
        do {
            if let failureCondition, try failureCondition.isTrue(with: variables) {
                return (.failed, "failureCondition \(failureCondition) is true for \(sample.valueText)")
            }
            if let successCondition {
                if try successCondition.isTrue(with: variables) {
                    return (.successful, "successCondition \(successCondition) is true for \(sample.valueText)")
                }
                if failureCondition == nil {
                    return (.failed, "successCondition \(successCondition) is false for \(sample.valueText)")
                }
                return (.inconclusive, "neither condition holds for \(sample.valueText)")
            }
            if let failureCondition { return (.successful, "failureCondition \(failureCondition) is false for \(sample.valueText)") }
            return (.successful, "no condition to check")
        } catch {
            return (.error, "cannot evaluate the condition for \(sample.valueText): \(error)")
        }
    }
}
