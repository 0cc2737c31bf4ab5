import Core
import Foundation

/// The measurements of one metric so far and Argo Rollouts' counters over them.
public struct MetricResult: Sendable, Hashable, Codable {
    public var name: String
    public var measurements: [MetricMeasurement] = []
    /// Judged measurements (errors are not counted here, as in Argo Rollouts).
    public var count = 0
    public var successful = 0
    public var failed = 0
    public var inconclusive = 0
    public var errors = 0
    public var consecutiveErrors = 0
    public var consecutiveSuccesses = 0

    public init(name: String) { self.name = name }

    public mutating func record(_ measurement: MetricMeasurement) {
        measurements.append(measurement)
        switch measurement.phase {
        case .successful:
            count += 1
            successful += 1
            consecutiveErrors = 0
            consecutiveSuccesses += 1
        case .failed:
            count += 1
            failed += 1
            consecutiveErrors = 0
            consecutiveSuccesses = 0
        case .inconclusive:
            count += 1
            inconclusive += 1
            consecutiveErrors = 0
            consecutiveSuccesses = 0
        case .error:
            errors += 1
            consecutiveErrors += 1
            consecutiveSuccesses = 0
        }
    }

    /// The metric's phase by Argo Rollouts' rules, first match wins: failures beyond `failureLimit`, inconclusive
    /// results beyond `inconclusiveLimit`, consecutive errors beyond `consecutiveErrorLimit`, the consecutive-success
    /// goal, the count reached, and otherwise still running (or done, when the analysis is being stopped).
    public func phase(for metric: AnalysisMetric, terminating: Bool = false) -> AnalysisPhase {
        if metric.failureLimit >= 0, failed > metric.failureLimit { return .failed }
        if inconclusive > metric.inconclusiveLimit { return .inconclusive }
        if consecutiveErrors > metric.consecutiveErrorLimit { return .error }
        if metric.consecutiveSuccessLimit > 0, consecutiveSuccesses >= metric.consecutiveSuccessLimit { return .successful }
        if let effectiveCount = metric.effectiveCount, count >= effectiveCount {
            let failureApplies = metric.failureLimit >= 0
            let successApplies = metric.consecutiveSuccessLimit > 0
            if failureApplies && successApplies { return .inconclusive }
            if successApplies { return .failed }
            return .successful
        }
        if terminating { return .successful }
        return measurements.isEmpty ? .pending : .running
    }

    /// When the next measurement is due, given the last one: errors are retried after 10 s (sooner when the
    /// interval is shorter); nil when the metric takes no more.
    public func nextMeasurement(for metric: AnalysisMetric, startedAt: Date) -> Date? {
        guard let last = measurements.last else { return startedAt.addingTimeInterval(metric.initialDelay.seconds) }
        let interval = metric.interval?.seconds
        if last.phase == .error { return last.finishedAt.addingTimeInterval(min(10, interval ?? 10)) }
        if let effectiveCount = metric.effectiveCount, count >= effectiveCount { return nil }
        return last.finishedAt.addingTimeInterval(interval ?? 0)
    }
}
