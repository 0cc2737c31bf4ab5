import Core
import Foundation

extension ReleaseTransition {
    /// Starts step `index` (its effects, its state); past the last step, the promotion.
    mutating func enter(_ index: Int) {
        guard let spec else { return }
        guard index < spec.steps.count else {
            beginPromotion()
            return
        }
        startBackgroundIfDue(step: index)
        guard !release.state.isFinal, release.phase != .aborting else { return }
        switch spec.steps[index] {
        case .setWeight(let weight):
            release.state = .stepping(step: index, progress: .starting)
            queue(.setWeights(canary: weight))
        case .pause(let duration?):
            release.state = .stepping(step: index, progress: .pausedUntil(now.addingTimeInterval(duration.seconds)))
            release.message = "paused for \(ReleaseDuration.format(duration))"
            record(.step, "pause \(ReleaseDuration.format(duration))")
        case .pause(nil):
            release.state = .atGate(step: index, reason: .manualPause)
            release.message = "waiting at the gate: slipway rollout promote \(release.application)"
            record(.gate, "waiting for promotion (slipway rollout promote \(release.application)); analysis continues")
        case .analysis(let names):
            do {
                let run = try analysisRun(names)
                release.state = .stepping(step: index, progress: .analysing(run))
                release.message = "analysing \(names.joined(separator: ", "))"
                record(.analysis, "analysis \(names.joined(separator: ", ")) started")
                ask(.startMeasuring)
            } catch {
                abort("analysis \(names.joined(separator: ", ")) cannot start: \(error)")
            }
        }
    }

    mutating func advance(from step: Int) { enter(step + 1) }

    /// The metrics of `names`' templates, with the release's arguments filled in.
    func analysisRun(_ names: [String]) throws(StrategyError) -> AnalysisRun {
        guard let plan = release.plan else { throw StrategyError(problems: ["the release has no plan"]) }
        let arguments = [
            "namespace": plan.spec.namespace, "service": plan.spec.service, "canary": plan.spec.canaryDeployment,
            "primary": plan.spec.deployment,
        ]
        var metrics: [AnalysisMetric] = []
        for name in names {
            guard let template = plan.template(name) else { throw StrategyError(problems: ["analysis template \"\(name)\" not found"]) }
            metrics += try template.resolve(arguments).map { metric in
                var named = metric
                if names.count > 1 || template.metrics.count > 1 { named.name = metric.name == name ? name : "\(name)/\(metric.name)" }
                return named
            }
        }
        return AnalysisRun(name: names.joined(separator: ", "), metrics: metrics, startedAt: now)
    }

    /// Background analysis runs from its starting step until the release ends; it starts again after it stopped
    /// without a verdict that ends the release (an inconclusive run answered at the gate).
    mutating func startBackgroundIfDue(step: Int) {
        guard let spec, !spec.backgroundAnalysis.isEmpty, step >= spec.backgroundStartingStep, release.background == nil else { return }
        do {
            var run = try analysisRun(spec.backgroundAnalysis)
            // Each template's metrics measure without end, until the release stops them.
            for index in run.metrics.indices { run.metrics[index].count = nil }
            release.background = run
            record(.analysis, "background analysis \(run.name) started (runs until the release ends)")
            ask(.startMeasuring)
        } catch {
            abort("background analysis cannot start: \(error)")
        }
    }

    mutating func measureBackground(step: Int) {
        startBackgroundIfDue(step: step)
        guard let run = release.background else { return }
        let due = run.due(at: now).map(\.name)
        if !due.isEmpty { ask(.measure(.background, metrics: due)) }
    }

    /// A measurement of the step's analysis (only while that step runs) or of the background analysis (while the
    /// release steps or waits at a gate); anything else is a stale answer and changes nothing.
    mutating func measured(_ slot: AnalysisSlot, _ measurement: MetricMeasurement, successRate: Double?) {
        switch (slot, release.state) {
        case (.step, .stepping(_, .analysing)), (.background, .stepping), (.background, .atGate):
            if slot == .background, release.background == nil { return }
        default:
            return
        }
        if let successRate { release.canarySuccessRate = successRate }
        if measurement.phase == .failed, release.firstFailingMeasurementAt == nil {
            release.firstFailingMeasurementAt = measurement.finishedAt
        }
        let requests = measurement.requests.map { ", \($0) requests" } ?? ""
        record(
            .measurement,
            "\(measurement.metric) = \(measurement.value.isEmpty ? "—" : measurement.value)\(requests): \(measurement.phase.rawValue) "
                + "(\(measurement.message))",
            [
                "metric": measurement.metric, "query": measurement.query, "value": measurement.value, "verdict": measurement.phase.rawValue,
                "requests": measurement.requests.map(String.init) ?? "", "message": measurement.message, "analysis": slot.rawValue,
            ],
            at: measurement.finishedAt)
        switch slot {
        case .step:
            guard case .stepping(let step, .analysing(var run)) = release.state else { return }
            run.record(measurement)
            release.state = .stepping(step: step, progress: .analysing(run))
            switch run.phase {
            case .successful:
                record(.analysis, "analysis \(run.name): Successful")
                advance(from: step)
            case .failed, .error:
                record(.analysis, "analysis \(run.name): \(run.phase.rawValue) — \(run.verdictReason ?? "")")
                abort("analysis \(run.name) \(run.phase.rawValue.lowercased()): \(run.verdictReason ?? "")")
            case .inconclusive:
                // Argo Rollouts pauses on an inconclusive analysis: a person decides.
                record(.analysis, "analysis \(run.name): Inconclusive — \(run.verdictReason ?? ""); waiting for a decision")
                release.state = .atGate(step: step, reason: .inconclusive(run.verdictReason ?? "inconclusive"))
                release.message = "analysis inconclusive: promote or abort"
            case .running, .pending:
                break
            }
        case .background:
            guard var run = release.background else { return }
            run.record(measurement)
            release.background = run
            switch run.phase {
            case .failed, .error:
                record(.analysis, "background analysis \(run.name): \(run.phase.rawValue) — \(run.verdictReason ?? "")")
                abort("background analysis \(run.name) \(run.phase.rawValue.lowercased()): \(run.verdictReason ?? "")")
            case .inconclusive:
                release.background = nil
                if case .stepping(let step, _) = release.state {
                    let why = run.verdictReason ?? ""
                    record(.analysis, "background analysis \(run.name): Inconclusive — \(why); waiting for a decision")
                    release.state = .atGate(step: step, reason: .inconclusive(run.verdictReason ?? "inconclusive"))
                    release.message = "background analysis inconclusive: promote or abort"
                } else {
                    record(.analysis, "background analysis \(run.name): Inconclusive — \(run.verdictReason ?? ""); it starts again")
                }
            case .successful, .running, .pending:
                break
            }
        }
    }
}
