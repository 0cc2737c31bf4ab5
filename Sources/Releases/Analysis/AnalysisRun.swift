import Foundation

/// One analysis over a set of metrics, as a pure value: which metrics are due, the verdict so far, and every
/// measurement. The controller measures what `due(at:)` names and records it; nothing here sleeps or does I/O.
public struct AnalysisRun: Sendable, Hashable, Codable {
    /// The templates it came from, for the record (`success-rate, latency-p99`).
    public var name: String
    public var metrics: [AnalysisMetric]
    public var results: [String: MetricResult]
    public var startedAt: Date
    /// Set when the rollout stops a background analysis: unbounded metrics then end as Successful.
    public private(set) var isTerminated = false
    /// No measurement before this time: set when a new controller takes the run over, so a window-based provider
    /// (whose counters start again with the process) measures a window's worth of traffic, not a blink.
    public private(set) var notBefore: Date?

    public init(name: String, metrics: [AnalysisMetric], startedAt: Date) {
        self.name = name
        self.metrics = metrics
        self.startedAt = startedAt
        results = Dictionary(uniqueKeysWithValues: metrics.map { ($0.name, MetricResult(name: $0.name)) })
    }

    public func phase(of metric: AnalysisMetric) -> AnalysisPhase {
        (results[metric.name] ?? MetricResult(name: metric.name)).phase(for: metric, terminating: isTerminated)
    }

    /// The worst phase among metrics that count (dry-run metrics never do). An analysis stopped before it measured
    /// anything is Successful. Once one metric failed, errored or was inconclusive, the whole run is over.
    public var phase: AnalysisPhase {
        let counted = metrics.filter { !$0.dryRun }
        guard !counted.isEmpty else { return .successful }
        return counted.map(phase(of:)).max() ?? .successful
    }

    /// Metrics whose next measurement is due at `now`, while the run goes on.
    public func due(at now: Date) -> [AnalysisMetric] {
        guard !phase.isCompleted else { return [] }
        return metrics.filter { metric in
            guard !phase(of: metric).isCompleted, let next = nextMeasurement(of: metric) else { return false }
            return next <= now
        }
    }

    /// The earliest time anything is due, nil when nothing is.
    public var nextDue: Date? {
        guard !phase.isCompleted else { return nil }
        return metrics.filter { !phase(of: $0).isCompleted }.compactMap(nextMeasurement(of:)).min()
    }

    public func nextMeasurement(of metric: AnalysisMetric) -> Date? {
        guard let next = (results[metric.name] ?? MetricResult(name: metric.name)).nextMeasurement(for: metric, startedAt: startedAt) else {
            return nil
        }
        return notBefore.map { max($0, next) } ?? next
    }

    /// Takes the run over after a restart: measurements go on from `time`, those kept still count.
    public mutating func resume(notBefore time: Date) { notBefore = time }

    public mutating func record(_ measurement: MetricMeasurement) {
        results[measurement.metric, default: MetricResult(name: measurement.metric)].record(measurement)
    }

    /// Stops the run: what has not reached a verdict ends as Successful.
    public mutating func terminate() { isTerminated = true }

    /// Every measurement, oldest first.
    public var measurements: [MetricMeasurement] {
        results.values.flatMap(\.measurements).sorted { ($0.finishedAt, $0.metric) < ($1.finishedAt, $1.metric) }
    }

    /// Why the run ended badly, for the record: the first metric that decided it and its last measurement.
    public var verdictReason: String? {
        let worst = phase
        guard worst == .failed || worst == .error || worst == .inconclusive else { return nil }
        guard let metric = metrics.first(where: { !$0.dryRun && phase(of: $0) == worst }) else { return nil }
        let result = results[metric.name] ?? MetricResult(name: metric.name)
        let last = result.measurements.last.map { ": last \($0.value.isEmpty ? "measurement" : $0.value) — \($0.message)" } ?? ""
        switch worst {
        case .failed:
            return
                "metric \(metric.name) failed \(result.failed) time\(result.failed == 1 ? "" : "s") (failureLimit "
                + "\(metric.failureLimit))\(last)"
        case .error:
            return
                "metric \(metric.name) errored \(result.consecutiveErrors) times in a row (consecutiveErrorLimit "
                + "\(metric.consecutiveErrorLimit))\(last)"
        default:
            return
                "metric \(metric.name) was inconclusive \(result.inconclusive) time\(result.inconclusive == 1 ? "" : "s") "
                + "(inconclusiveLimit \(metric.inconclusiveLimit))\(last)"
        }
    }
}
