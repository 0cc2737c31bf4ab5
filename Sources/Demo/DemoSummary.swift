import Core
import Foundation
import Releases

/// The demo's verdict: each release's measured canary success rate and outcome, how quickly the bad one was
/// aborted, what the primary's users saw, and the GitOps history. `failures` lists every claim that did not hold.
struct DemoSummary {
    var good: Release
    var bad: Release
    var goodEvents: [TimelineEntry]
    var badEvents: [TimelineEntry]
    var primary: DemoTraffic.Tally
    var primaryFailures: [String]
    var canary: [(version: String, tally: DemoTraffic.Tally)]
    var history: String
    var url: String
    var elapsed: Double

    /// Seconds from the bad release's first failing measurement to traffic being back on the primary.
    var abortDelay: Double? {
        guard let first = bad.firstFailingMeasurementAt,
            let back = badEvents.first(where: { $0.kind == .rollback && $0.detail["primary"] == "100" })?.at
        else { return nil }
        return back.timeIntervalSince(first)
    }

    var failures: [String] {
        var problems: [String] = []
        if good.phase != .succeeded { problems.append("the good release ended \(good.phase.rawValue), not Succeeded: \(good.message)") }
        if bad.phase != .aborted { problems.append("the bad release ended \(bad.phase.rawValue), not Aborted: \(bad.message)") }
        if bad.phase == .aborted && bad.revertRevision == nil { problems.append("the bad release's GitOps commit was not reverted") }
        if let delay = abortDelay, delay > 15 {
            problems.append(String(format: "the abort came %.1f s after the first failing measurement (at most 15 s)", delay))
        }
        if bad.phase == .aborted && abortDelay == nil { problems.append("the bad release has no failing measurement before its rollback") }
        if primary.failed > 0 {
            problems.append("\(primary.failed) requests served outside the canaries failed: \(primaryFailures.joined(separator: "; "))")
        }
        if primary.requests == 0 { problems.append("no traffic reached the primary") }
        return problems
    }

    func render() -> String {
        var lines = ["", ReleaseTimeline.render(good, goodEvents), "", ReleaseTimeline.render(bad, badEvents), "", "Summary"]
        func rate(_ release: Release) -> String {
            release.canarySuccessRate.map { String(format: "%.1f %%", $0 * 100) } ?? "not measured"
        }
        lines.append("  release #\(good.id) (good): \(good.phase.rawValue) — canary success rate measured \(rate(good)); \(good.message)")
        var badLine = "  release #\(bad.id) (bad):  \(bad.phase.rawValue) — canary success rate measured \(rate(bad))"
        if let delay = abortDelay {
            badLine += String(format: "; traffic back on the primary %.1f s after the first failing measurement", delay)
        }
        lines.append(badLine)
        lines.append("    \(bad.message)")
        lines.append("  requests served by the primary: \(primary.requests), failed: \(primary.failed)")
        for (version, tally) in canary {
            let share = tally.requests == 0 ? 0 : Double(tally.requests - tally.failed) / Double(tally.requests) * 100
            lines.append(
                String(
                    format: "  requests served by canary %@: %d, failed: %d (%.1f %% succeeded, as clients saw it)", version,
                    tally.requests, tally.failed, share))
        }
        lines.append("  GitOps history (gitops-config.git, main):")
        lines.append(contentsOf: history.split(separator: "\n").map { "    " + $0 })
        lines.append(String(format: "  done in %.0f s; the app answers at %@", elapsed, url))
        lines.append("  records: slipway release list; slipway release show \(bad.id); slipway rollout status my-app-qa")
        let problems = failures
        lines.append(
            problems.isEmpty
                ? "  verdict: every claim holds" : "  verdict: FAILED\n" + problems.map { "    - " + $0 }.joined(separator: "\n"))
        return lines.joined(separator: "\n")
    }
}
