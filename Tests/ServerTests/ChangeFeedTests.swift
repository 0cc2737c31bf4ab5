import Foundation
import Releases
import Testing

@testable import Server

/// The change feed announces a release whenever what its page shows moves, a new measurement included: during an
/// analysis nothing else changes for half a minute, and the page's chart must grow as measurements are taken.
@Suite struct ChangeFeedTests {
    @Test func aReleaseChangesWithEachMeasurementOfItsAnalysis() {
        let start = Date(timeIntervalSince1970: 1_000)
        var release = Release(
            id: 1, application: "app", environment: "qa", namespace: "app", canary: "app-canary", revision: "r", images: ["a:2"],
            previousImages: ["a:1"], stepCount: 2, startedAt: start)
        var run = AnalysisRun(name: "success-rate", metrics: [], startedAt: start)
        release.state = .stepping(step: 1, progress: .analysing(run))
        let before = ChangeFeed.fingerprint(release)
        func measurement(_ metric: String, at seconds: Double) -> MetricMeasurement {
            MetricMeasurement(
                metric: metric, phase: .successful, query: "q", value: "1", message: "", startedAt: start + seconds,
                finishedAt: start + seconds)
        }
        run.record(measurement("success-rate", at: 5))
        release.state = .stepping(step: 1, progress: .analysing(run))
        let measured = ChangeFeed.fingerprint(release)
        #expect(measured != before)
        // A background analysis (after the analysis step, until the release ends) counts too.
        var background = AnalysisRun(name: "background", metrics: [], startedAt: start)
        release.state = .atGate(step: 2, reason: .manualPause)
        let atGate = ChangeFeed.fingerprint(release)
        background.record(measurement("latency", at: 10))
        release.background = background
        #expect(ChangeFeed.fingerprint(release) != atGate)
        #expect(atGate != measured)
    }
}
