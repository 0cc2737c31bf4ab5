import Foundation
import Releases
import Store

extension ServerAPI {
    /// A release from its commit to its outcome: what it ships, the traffic split, every step, the analysis as charts,
    /// the gate (with Promote and Abort for those allowed to decide), and the whole timeline with who decided, when and why.
    func releasePage(_ id: Int64, principal: Principal) async throws -> String? {
        guard let (release, timeline) = try releases.show(id) else { return nil }
        let final = release.state.isFinal
        let primaryWeight = 100 - release.canaryWeight
        var body = """
            <h1>Release #\(release.id) · \(HTML.escape(release.application))</h1>
            <dl class="facts">
            <dt>Phase</dt><dd id="phase">\(HTML.badge(release.phase.rawValue))</dd>
            <dt>Environment</dt><dd>\(HTML.escape(release.environment)) (namespace \(HTML.escape(release.namespace)))</dd>
            <dt>Revision</dt><dd><code>\(HTML.escape(release.revision))</code></dd>
            <dt>Images</dt><dd>\(release.images.map { "<code>\(HTML.escape($0))</code>" }.joined(separator: "<br>"))</dd>
            <dt>Replacing</dt><dd>\(release.previousImages.isEmpty ? "—" : release.previousImages.map { "<code>\(HTML.escape($0))</code>" }.joined(separator: "<br>"))</dd>
            <dt>Step</dt><dd id="step">\(min(release.stepIndex + 1, release.stepCount)) of \(release.stepCount)</dd>
            <dt>Message</dt><dd>\(HTML.escape(release.message))</dd>
            <dt>Started</dt><dd>\(HTML.time(release.startedAt.timeIntervalSince1970))</dd>
            <dt>Finished</dt><dd>\(HTML.time(release.finishedAt?.timeIntervalSince1970))</dd>
            </dl>
            <h2>Traffic</h2>
            <p id="weights">primary \(primaryWeight)% · canary \(release.canaryWeight)%</p>
            <svg class="weights" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" \
            aria-label="primary \(primaryWeight)%, canary \(release.canaryWeight)%" xmlns="http://www.w3.org/2000/svg">\
            <rect class="primary" x="0" y="0" width="\(primaryWeight)" height="10"/>\
            <rect class="canary" x="\(primaryWeight)" y="0" width="\(release.canaryWeight)" height="10"/></svg>
            """
        let steps = timeline.filter { $0.kind == .step || $0.kind == .weight }
        body += "<h2>Steps</h2>"
        if steps.isEmpty {
            body += "<p class=\"muted\">No step taken yet.</p>"
        } else {
            let items = steps.enumerated().map { index, entry in
                let state = !final && index == steps.count - 1 ? "current" : "done"
                return "<li class=\"\(state)\">\(HTML.escape(entry.summary))</li>"
            }
            body += "<ol class=\"steps\" id=\"steps\">\(items.joined())</ol>"
        }
        // Decisions recorded but not yet carried out: the canary controller takes them at its next tick.
        let pending = try releases.store.pendingDecisions(releaseId: release.id)
        if !pending.isEmpty {
            let items = pending.map { decision in
                "<li>\(HTML.escape(decision.action)) by <strong>\(HTML.escape(decision.actor))</strong>"
                    + (decision.reason.map { $0.isEmpty ? "" : " — \(HTML.escape($0))" } ?? "") + " at \(HTML.time(decision.at)): "
                    + "recorded; the canary controller carries it out at its next tick</li>"
            }
            body += "<h2>Decisions</h2><ul id=\"pending\">\(items.joined())</ul>"
        }
        body += gateSection(release, principal: principal)
        if final {
            body += "<p class=\"outcome\" id=\"outcome\">Outcome: \(HTML.badge(release.phase.rawValue)) \(HTML.escape(release.message))</p>"
        }
        body += "<h2>Analysis</h2>" + Self.analysis(timeline)
        let diff = await commitDiff(timeline)
        if !diff.isEmpty { body += "<h2>GitOps commit</h2>" + diff }
        let rows = timeline.map { entry in
            let who = entry.detail["actor"] ?? entry.detail["user"] ?? ""
            let why = entry.detail["reason"] ?? ""
            return """
                <tr data-kind="\(HTML.escape(entry.kind.rawValue))"><td>\(HTML.time(entry.at.timeIntervalSince1970))</td>\
                <td>\(HTML.escape(entry.kind.rawValue))</td><td>\(HTML.escape(entry.summary))</td>\
                <td>\(HTML.escape(who))</td><td>\(HTML.escape(why))</td></tr>
                """
        }
        body += """
            <h2>Timeline</h2>
            <div class="scroll"><table id="timeline"><thead><tr><th>When</th><th>What</th><th>Summary</th><th>Who</th><th>Why</th></tr>\
            </thead><tbody>\(rows.joined())</tbody></table></div>
            """
        return body
    }

    /// The gate: Promote and Abort (a reason required) for approvers with a write-scoped token; others see who may act.
    func gateSection(_ release: Release, principal: Principal) -> String {
        guard !release.state.isFinal else { return "" }
        let waiting = release.waitingAtGate ? "<p><strong>Waiting at a gate</strong> for a person's decision.</p>" : ""
        guard principal.allows(.approver, .write) else {
            return
                "<section class=\"gate\" id=\"gate\">\(waiting)<p class=\"muted\">Approvers decide at gates; you may watch.</p></section>"
        }
        return """
            <section class="gate" id="gate">
            \(waiting)
            <form data-gate="\(HTML.escape(release.application))">
            <label for="reason">Reason (required to abort)</label>
            <input id="reason" name="reason" type="text" autocomplete="off" placeholder="why">
            <button id="promote" class="primary" type="submit" name="action" value="promote">Promote</button>
            <button id="abort" class="danger" type="submit" name="action" value="abort">Abort</button>
            <span class="gate-status" role="status" aria-live="polite"></span>
            </form>
            </section>
            """
    }

    /// One chart per metric from the timeline's measurements (numeric values only).
    static func analysis(_ timeline: [TimelineEntry]) -> String {
        var byMetric: [String: [AnalysisChart.Point]] = [:]
        var thresholds: [String: (String, Double)] = [:]
        var order: [String] = []
        for entry in timeline where entry.kind == .measurement {
            let metric = entry.detail["metric"] ?? "metric"
            let message = entry.detail["message"] ?? ""
            if thresholds[metric] == nil, let threshold = AnalysisChart.threshold(in: message) { thresholds[metric] = threshold }
            guard let value = AnalysisChart.value(of: entry.detail["value"] ?? "") else { continue }
            if byMetric[metric] == nil { order.append(metric) }
            byMetric[metric, default: []].append(
                AnalysisChart.Point(at: entry.at, value: value, verdict: entry.detail["verdict"] ?? "", message: message))
        }
        guard !order.isEmpty else { return "<p class=\"muted\">No measurement yet.</p>" }
        return order.map { metric in
            AnalysisChart(
                metric: metric, points: byMetric[metric] ?? [], threshold: thresholds[metric].map { (comparison: $0.0, value: $0.1) }
            ).svg
        }.joined()
    }
}
