import Expressions
import Foundation
import TargetKit
import Testing

@testable import Releases

/// Pins the analysis semantics: Argo Rollouts' per-measurement truth table and metric assessment (including where
/// its code differs from its docs), plus Slipway's changes — empty and NaN results and too little traffic are
/// Inconclusive with a reason, never Failed.
@Suite struct AnalysisTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    func metric(
        success: String? = nil, failure: String? = nil, failureLimit: Int = 0, inconclusiveLimit: Int = 0,
        consecutiveErrorLimit: Int = 4, consecutiveSuccessLimit: Int = 0, count: Int? = nil,
        interval: Duration? = .seconds(5), minRequests: Int? = nil, dryRun: Bool = false, name: String = "m"
    ) throws -> AnalysisMetric {
        AnalysisMetric(
            name: name, interval: interval, count: count,
            successCondition: try success.map { try ConditionExpression($0) },
            failureCondition: try failure.map { try ConditionExpression($0) },
            failureLimit: failureLimit, inconclusiveLimit: inconclusiveLimit, consecutiveErrorLimit: consecutiveErrorLimit,
            consecutiveSuccessLimit: consecutiveSuccessLimit, minRequests: minRequests, dryRun: dryRun,
            provider: .prometheus(.init(address: "http://127.0.0.1:9", query: "q")))
    }

    func vector(_ values: Double..., requests: Int? = nil) -> MetricSample {
        MetricSample(shape: .vector, values: values, requests: requests, query: "q")
    }

    func measurement(_ phase: MeasurementPhase, at offset: TimeInterval, metric: String = "m") -> MetricMeasurement {
        MetricMeasurement(
            metric: metric, phase: phase, query: "q", value: "1", message: "", startedAt: Self.start.addingTimeInterval(offset),
            finishedAt: Self.start.addingTimeInterval(offset))
    }

    @Test func conditionsFollowTheExprLanguage() throws {
        let result: [String: ConditionValue] = ["result": .list([.number(0.97), .number(0.5)])]
        #expect(try ConditionExpression("result[0] >= 0.95").isTrue(with: result))
        #expect(try ConditionExpression("result[1] < 0.9 and result[0] > 0.9").isTrue(with: result))
        #expect(try ConditionExpression("len(result) == 2 && !(result[0] > 1)").isTrue(with: result))
        #expect(try ConditionExpression("result[-1] * 2 == 1").isTrue(with: result))
        #expect(try ConditionExpression("max(result) - min(result) > 0.4").isTrue(with: result))
        #expect(try ConditionExpression("default(result, 0)[0] == 0.97").isTrue(with: result))
        // Short-circuit: an empty result never reaches the index.
        #expect(try ConditionExpression("len(result) == 0 || result[0] >= 0.95").isTrue(with: ["result": .list([])]))
        #expect(throws: ConditionError("metric result is nil or empty", column: 7)) {
            try ConditionExpression("result[0] >= 0.95").isTrue(with: ["result": .list([])])
        }
        #expect(throws: ConditionError("condition evaluated to float64 0.97, expected bool")) {
            try ConditionExpression("result[0]").isTrue(with: result)
        }
        #expect(throws: ConditionError("unknown function avg", column: 1)) { try ConditionExpression("avg(result) > 1") }
        #expect(throws: ConditionError("expected a value, found end of condition", column: 13)) { try ConditionExpression("result[0] >=") }
        #expect(throws: ConditionError("unexpected character '='", column: 11)) {
            try ConditionExpression("result[0] = 1")
        }
        #expect(try ConditionExpression("result[0] >= 0.95").variables == ["result"])
    }

    @Test func oneMeasurementFollowsArgoRolloutsTruthTable() throws {
        // Neither condition: Successful (Argo's docs say Inconclusive; its code says Successful).
        #expect(try metric().judge(vector(0.1)).phase == .successful)
        // Success only: anything but success fails.
        #expect(try metric(success: "result[0] >= 0.95").judge(vector(0.97)).phase == .successful)
        #expect(try metric(success: "result[0] >= 0.95").judge(vector(0.7)).phase == .failed)
        // Failure only: anything but failure succeeds.
        #expect(try metric(failure: "result[0] < 0.9").judge(vector(0.7)).phase == .failed)
        #expect(try metric(failure: "result[0] < 0.9").judge(vector(0.92)).phase == .successful)
        // Both: failure first, then success, else Inconclusive.
        let both = try metric(success: "result[0] >= 0.95", failure: "result[0] < 0.9")
        #expect(both.judge(vector(0.5)).phase == .failed)
        #expect(both.judge(vector(0.99)).phase == .successful)
        #expect(both.judge(vector(0.92)) == (.inconclusive, "neither condition holds for [0.92]"))
        // A condition that cannot be evaluated is an Error.
        let scalar = MetricSample.scalar(0.5, query: "q")
        #expect(try metric(success: "result[0] > 0.1").judge(scalar).phase == .error)
        #expect(try metric(success: "result > 0.1").judge(scalar).phase == .successful)
    }

    @Test func noDataAndTooLittleTrafficAreInconclusiveWithAReason() throws {
        let rate = try metric(success: "result[0] >= 0.95", minRequests: 20)
        #expect(rate.judge(vector()) == (.inconclusive, "no data: the query returned no samples"))
        #expect(rate.judge(vector(.nan)) == (.inconclusive, "no data: the value is NaN (no requests in the window)"))
        #expect(rate.judge(vector(0.5, requests: 3)) == (.inconclusive, "too little traffic: 3 requests in the window, at least 20 needed"))
        #expect(rate.judge(vector(0.5, requests: 20)).phase == .failed)
        #expect(rate.judge(vector(0.99, requests: 400)).phase == .successful)
    }

    @Test func failureLimitIsStrict() throws {
        // failureLimit 3 fails on the 4th failure (Argo's docs are off by one).
        let metric = try metric(success: "true", failureLimit: 3)
        var result = MetricResult(name: "m")
        for index in 0..<3 {
            result.record(measurement(.failed, at: Double(index)))
            #expect(result.phase(for: metric) == .running)
        }
        result.record(measurement(.failed, at: 3))
        #expect(result.phase(for: metric) == .failed)
        // failureLimit 0 fails on the first; -1 never fails on failures.
        var first = MetricResult(name: "m")
        first.record(measurement(.failed, at: 0))
        #expect(first.phase(for: try self.metric(success: "true")) == .failed)
        #expect(first.phase(for: try self.metric(success: "true", failureLimit: -1)) == .running)
    }

    @Test func consecutiveErrorsAndInconclusiveLimits() throws {
        let metric = try metric(success: "true")
        var result = MetricResult(name: "m")
        for index in 0..<4 { result.record(measurement(.error, at: Double(index))) }
        #expect(result.phase(for: metric) == .running)
        // A judged measurement resets the streak; errors never count towards `count`.
        result.record(measurement(.successful, at: 4))
        #expect(result.consecutiveErrors == 0 && result.count == 1 && result.errors == 4)
        for index in 5..<10 { result.record(measurement(.error, at: Double(index))) }
        #expect(result.phase(for: metric) == .error)

        var inconclusive = MetricResult(name: "m")
        inconclusive.record(measurement(.inconclusive, at: 0))
        #expect(inconclusive.phase(for: metric) == .inconclusive)
        #expect(inconclusive.phase(for: try self.metric(success: "true", inconclusiveLimit: 2)) == .running)
    }

    @Test func countAndConsecutiveSuccessEndTheMetric() throws {
        var result = MetricResult(name: "m")
        result.record(measurement(.successful, at: 0))
        result.record(measurement(.successful, at: 5))
        #expect(result.phase(for: try metric(success: "true", count: 2)) == .successful)
        #expect(result.phase(for: try metric(success: "true", count: 3)) == .running)
        #expect(result.phase(for: try metric(success: "true", consecutiveSuccessLimit: 2)) == .successful)
        // Count reached with a success goal unmet: Failed alone, Inconclusive with a failure limit too.
        var mixed = MetricResult(name: "m")
        mixed.record(measurement(.successful, at: 0))
        mixed.record(measurement(.inconclusive, at: 5))
        #expect(
            mixed.phase(for: try metric(success: "true", failureLimit: -1, inconclusiveLimit: 5, consecutiveSuccessLimit: 2, count: 2))
                == .failed)
        #expect(mixed.phase(for: try metric(success: "true", inconclusiveLimit: 5, consecutiveSuccessLimit: 2, count: 2)) == .inconclusive)
        // Without interval or count: one measurement.
        var once = MetricResult(name: "m")
        #expect(once.phase(for: try metric(interval: nil)) == .pending)
        once.record(measurement(.successful, at: 0))
        #expect(once.phase(for: try metric(interval: nil)) == .successful)
    }

    @Test func runTakesTheWorstCountedMetricAndSchedules() throws {
        let rate = try metric(success: "true", name: "rate")
        let latency = try metric(success: "true", name: "latency")
        let shadow = try metric(success: "true", dryRun: true, name: "shadow")
        var run = AnalysisRun(name: "t", metrics: [rate, latency, shadow], startedAt: Self.start)
        #expect(run.phase == .pending)
        #expect(run.due(at: Self.start).map(\.name) == ["rate", "latency", "shadow"])
        run.record(measurement(.successful, at: 1, metric: "rate"))
        run.record(measurement(.failed, at: 1, metric: "shadow"))
        #expect(run.phase == .pending)
        run.record(measurement(.successful, at: 1, metric: "latency"))
        #expect(run.phase == .running)
        // Next due one interval after the last measurement; an error is retried within 10 s or the interval.
        #expect(run.nextDue == Self.start.addingTimeInterval(6))
        #expect(run.due(at: Self.start.addingTimeInterval(5.9)).isEmpty)
        run.record(measurement(.failed, at: 6, metric: "latency"))
        #expect(run.phase == .failed)
        #expect(run.due(at: Self.start.addingTimeInterval(100)).isEmpty)
        #expect(run.verdictReason?.hasPrefix("metric latency failed 1 time (failureLimit 0)") == true)

        // A stopped background analysis with unbounded metrics ends Successful; stopped before measuring too.
        var background = AnalysisRun(name: "bg", metrics: [rate], startedAt: Self.start)
        background.record(measurement(.successful, at: 1, metric: "rate"))
        background.terminate()
        #expect(background.phase == .successful)
        var untouched = AnalysisRun(name: "bg", metrics: [rate], startedAt: Self.start)
        untouched.terminate()
        #expect(untouched.phase == .successful)
    }

    @Test func latencyQuantileMatchesPrometheus() {
        typealias Bucket = SubsetMetrics.Bucket
        // 100 observations: 90 ≤ 10 ms, 9 in (10, 50], 1 in (50, +Inf).
        let buckets = [Bucket(upperBound: 10, count: 90), Bucket(upperBound: 50, count: 99), Bucket(upperBound: .infinity, count: 100)]
        #expect(MeshWindow.quantile(0.5, buckets) == 10.0 * 50 / 90)
        #expect(MeshWindow.quantile(0.99, buckets) == 50)
        #expect(MeshWindow.quantile(0.995, buckets) == 50)
        #expect(MeshWindow.quantile(0.99, []).isNaN)
        #expect(MeshWindow.quantile(0.99, [Bucket(upperBound: .infinity, count: 0)]).isNaN)
    }

    @Test func meshWindowMeasuresOnlyTheWindow() async throws {
        final class Counters: @unchecked Sendable {
            var ok = 0, failed = 0
            var now = AnalysisTests.start
        }
        let counters = Counters()
        @Sendable func metrics(_ workload: String, ok: Int, failed: Int) -> SubsetMetrics {
            SubsetMetrics(
                namespace: "demo", service: "app-service", subset: workload == "app-canary" ? "canary" : "primary", version: "v",
                workload: workload, responses: [200: ok, 503: failed],
                latencyBuckets: [.init(upperBound: 5, count: ok + failed), .init(upperBound: .infinity, count: ok + failed)],
                latencySum: 1, latencyCount: ok + failed)
        }
        let window = MeshWindow(
            clock: { counters.now },
            source: { [metrics("app-canary", ok: counters.ok, failed: counters.failed), metrics("app", ok: 1000, failed: 0)] })
        // An earlier release left 100 failures on the canary subset's counters.
        counters.failed = 100
        try await window.snapshot()
        let measure = MetricProvider.LocalMeasure(
            kind: .successRate, namespace: "demo", service: "app-service", workload: "app-canary", window: .seconds(10))
        counters.now = Self.start.addingTimeInterval(5)
        let idle = try await window.measure(measure)
        #expect(idle.values[0].isNaN && idle.requests == 0)
        counters.ok = 70
        counters.failed = 130
        counters.now = Self.start.addingTimeInterval(10)
        let bad = try await window.measure(measure)
        #expect(bad.values == [0.7] && bad.requests == 100)
        #expect(bad.query == #"success-rate{namespace="demo",service="app-service",workload="app-canary"}[10s]"#)
        // Ten seconds on, the window starts at the last snapshot (t=10): only new requests count.
        counters.ok = 170
        counters.now = Self.start.addingTimeInterval(20)
        let good = try await window.measure(measure)
        #expect(good.values == [1] && good.requests == 100)
    }
}

@Suite struct PrometheusAddressTests {
    @Test func credentialsNeverReachMessages() {
        let error = AnalysisError.queryFailed(address: "http://slipway:s3cr3t@127.0.0.1:9090", reason: "connection refused")
        #expect(error.description == "Prometheus at http://***@127.0.0.1:9090: connection refused")
        #expect(!error.description.contains("s3cr3t"))
    }
}
