import Core
import Foundation
import TargetKit

/// The local target's mesh counters over a sliding window: each measurement subtracts the snapshot taken a window
/// ago (or the oldest one kept, when the analysis is younger than the window) from the current one, as PromQL's
/// `increase()` would, so requests from an earlier release of the same subset never count.
public actor MeshWindow {
    public typealias Source = @Sendable () async throws -> [SubsetMetrics]

    private let source: Source
    private var snapshots: [(at: Date, metrics: [SubsetMetrics])] = []
    private let clock: @Sendable () -> Date
    /// Snapshots older than this are dropped.
    private let retention: TimeInterval

    public init(retention: Duration = .seconds(600), clock: @escaping @Sendable () -> Date = { Date() }, source: @escaping Source) {
        self.source = source
        self.clock = clock
        self.retention = retention.seconds
    }

    /// Takes a snapshot now: a baseline for the measurements to come.
    @discardableResult
    public func snapshot() async throws -> [SubsetMetrics] {
        let metrics = try await source()
        let now = clock()
        snapshots.append((now, metrics))
        snapshots.removeAll { now.timeIntervalSince($0.at) > retention }
        return metrics
    }

    public func measure(_ measure: MetricProvider.LocalMeasure) async throws -> MetricSample {
        let baseline = baseline(for: measure.window)
        let current = try await snapshot()
        let delta = Self.delta(Self.select(current, measure), since: baseline.map { Self.select($0, measure) })
        let value: Double
        switch measure.kind {
        case .successRate:
            value = delta.requests == 0 ? .nan : Double(delta.requests - delta.errors) / Double(delta.requests)
        case .latencyP99:
            value = Self.quantile(0.99, delta.latencyBuckets)
        case .requests:
            value = Double(delta.requests)
        }
        return .scalar(value, requests: delta.requests, query: MetricProvider.local(measure).queryText)
    }

    private func baseline(for window: Duration) -> [SubsetMetrics]? {
        let start = clock().addingTimeInterval(-window.seconds)
        // The newest snapshot at or before the window's start; else the oldest within it.
        return snapshots.last(where: { $0.at <= start })?.metrics ?? snapshots.first?.metrics
    }

    static func select(_ metrics: [SubsetMetrics], _ measure: MetricProvider.LocalMeasure) -> [SubsetMetrics] {
        metrics.filter {
            $0.namespace == measure.namespace && (measure.service.isEmpty || $0.service == measure.service)
                && $0.workload == measure.workload
        }
    }

    /// The sum over the selected series of current minus baseline; a counter that went down (Envoy restarted)
    /// counts from zero.
    static func delta(_ current: [SubsetMetrics], since baseline: [SubsetMetrics]?) -> SubsetMetrics {
        var total = SubsetMetrics(
            namespace: "", service: "", subset: nil, version: "", workload: "", responses: [:], latencyBuckets: [],
            latencySum: 0, latencyCount: 0)
        var buckets: [Double: Int] = [:]
        for series in current {
            let before = baseline?.first { $0.service == series.service && $0.subset == series.subset && $0.version == series.version }
            let reset = (before?.requests ?? 0) > series.requests
            for (code, count) in series.responses {
                total.responses[code, default: 0] += reset ? count : count - (before?.responses[code] ?? 0)
            }
            for bucket in series.latencyBuckets {
                let old = reset ? 0 : (before?.latencyBuckets.first { $0.upperBound == bucket.upperBound }?.count ?? 0)
                buckets[bucket.upperBound, default: 0] += bucket.count - old
            }
            total.latencyCount += series.latencyCount - (reset ? 0 : before?.latencyCount ?? 0)
            total.latencySum += series.latencySum - (reset ? 0 : before?.latencySum ?? 0)
        }
        total.latencyBuckets = buckets.sorted { $0.key < $1.key }.map { SubsetMetrics.Bucket(upperBound: $0.key, count: $0.value) }
        return total
    }

    /// Prometheus' `histogram_quantile` over cumulative buckets: linear within the bucket holding the rank; the
    /// highest finite bound when the rank falls in +Inf; NaN without observations.
    static func quantile(_ q: Double, _ buckets: [SubsetMetrics.Bucket]) -> Double {
        let sorted = buckets.sorted { $0.upperBound < $1.upperBound }
        guard let total = sorted.last?.count, total > 0 else { return .nan }
        let rank = q * Double(total)
        var previousBound = 0.0
        var previousCount = 0
        for bucket in sorted {
            if Double(bucket.count) >= rank {
                if bucket.upperBound.isInfinite { return previousBound }
                let inBucket = Double(bucket.count - previousCount)
                guard inBucket > 0 else { return bucket.upperBound }
                return previousBound + (bucket.upperBound - previousBound) * (rank - Double(previousCount)) / inBucket
            }
            previousBound = bucket.upperBound
            previousCount = bucket.count
        }
        return previousBound
    }
}
