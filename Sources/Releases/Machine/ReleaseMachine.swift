import Core
import Foundation
import GitOps

/// The release lifecycle as a pure function: `next(release, event, now)` answers the release's new value and the
/// effects to carry out, and does nothing itself — no clock, no I/O, no sleeping — so every transition is a table
/// row in the tests. Durable effects are also queued in the new value's `pending`; see `ReleaseEffect`.
///
/// | state | event | next state | effects |
/// |---|---|---|---|
/// | (new) | start | startingCanary | setWeights 0, createCanary |
/// | startingCanary | canary available | stepping 0 | the first step's |
/// | startingCanary | canary missing, or not available by the progress deadline | aborting | the rollback |
/// | stepping setWeight | weights set | the next step | its own |
/// | stepping pause d | tick past d | the next step | its own |
/// | stepping pause {} | — | atGate manualPause | — |
/// | stepping analysis | measurement → Successful | the next step | its own |
/// | stepping analysis | measurement → Inconclusive | atGate inconclusive | — |
/// | stepping analysis, any stepping or atGate | measurement → Failed/Error (step or background) | aborting | the rollback |
/// | atGate | promote | the next step | its own |
/// | after the last step | — | promoting applyingPrimary | applyPrimary new |
/// | promoting applyingPrimary | applied | rollingOut | checkPrimary on ticks |
/// | promoting rollingOut | primary runs it, healthy | shiftingTraffic | setWeights 0 |
/// | promoting shiftingTraffic | weights set | removingCanary | removeCanary |
/// | promoting removingCanary | removed | succeeded | — |
/// | any but final and aborting | abort, an effect failed | aborting | hold, setWeights 0, (applyPrimary previous), removeCanary, revert |
/// | aborting | the last effect done or failed | aborted | — |
/// | any but final and aborting | superseded | superseded | (setWeights 0, removeCanary when git went back) |
/// | any active | resumed | unchanged | record; analyses measure again one interval later (at most `resumeDelay`) |
public enum ReleaseMachine {
    /// After a controller takes a release over, measurements wait one interval of the run's quickest metric, at most
    /// this long: a window-based provider's counters start again with the new process.
    public static let resumeDelay: Duration = .seconds(5)

    /// When a run taken over at `now` may measure again.
    static func resumption(of run: AnalysisRun, at now: Date) -> Date {
        let interval = run.metrics.compactMap { $0.interval?.seconds }.min() ?? resumeDelay.seconds
        return now.addingTimeInterval(min(interval, resumeDelay.seconds))
    }

    /// A new release: traffic on the primary (an earlier release may have left weights behind) and the canary created.
    public static func start(_ release: Release, now: Date) -> (Release, [ReleaseEffect]) {
        var transition = ReleaseTransition(release: release, now: now)
        transition.start()
        return (transition.release, transition.effects)
    }

    /// The release after `event`, and the effects it asks for.
    public static func next(_ release: Release, _ event: ReleaseEvent, now: Date) -> (Release, [ReleaseEffect]) {
        var transition = ReleaseTransition(release: release, now: now)
        transition.handle(event)
        return (transition.release, transition.effects)
    }
}

/// One transition in the making: the release as it changes and the effects asked for so far.
struct ReleaseTransition {
    var release: Release
    let now: Date
    var effects: [ReleaseEffect] = []

    var spec: CanarySpec? { release.plan?.spec }

    // MARK: Building blocks

    mutating func record(_ kind: TimelineEntry.Kind, _ summary: String, _ detail: [String: String] = [:], at time: Date? = nil) {
        effects.append(.record(TimelineEntry(at: time ?? now, kind: kind, summary: summary, detail: detail)))
    }

    /// A durable effect: queued, and asked for.
    mutating func queue(_ effect: ReleaseEffect) {
        release.pending.append(effect)
        effects.append(effect)
    }

    mutating func ask(_ effect: ReleaseEffect) { effects.append(effect) }

    mutating func finish(_ state: ReleaseState, message: String) {
        release.state = state
        release.message = message
        release.finishedAt = now
    }

    // MARK: Events

    mutating func start() {
        guard let spec else {
            finish(.aborted(reason: "no strategy to release with"), message: "no strategy to release with")
            return
        }
        release.state = .startingCanary(since: now)
        release.message = "starting the canary"
        record(
            .image, "\(release.previousImages.joined(separator: ", ")) → \(release.images.joined(separator: ", "))",
            ["images": release.images.joined(separator: " "), "previous": release.previousImages.joined(separator: " ")])
        record(
            .step, "canary release started: \(spec.steps.map(\.description).joined(separator: " → ")) → promote",
            ["canary": spec.canaryDeployment, "steps": String(spec.steps.count)])
        queue(.setWeights(canary: 0))
        queue(.createCanary)
    }

    mutating func handle(_ event: ReleaseEvent) {
        switch event {
        case .completed(let effect, let outcome):
            guard let index = release.pending.firstIndex(of: effect) else { return }
            release.pending.remove(at: index)
            completed(effect, outcome)
        case .failed(let effect, let reason):
            guard let index = release.pending.firstIndex(of: effect) else { return }
            release.pending.remove(at: index)
            failed(effect, reason)
        case .decided(let decision): decided(decision)
        case .superseded(let reason, let gitWentBack): supersede(reason, gitWentBack: gitWentBack)
        case .resumed(let note): resumed(note)
        case .observed(let observation): observed(observation)
        case .tick: tick()
        }
    }

    mutating func tick() {
        guard release.pending.isEmpty, spec != nil else { return }
        switch release.state {
        case .startingCanary:
            ask(.checkCanary)
        case .stepping(let step, let progress):
            measureBackground(step: step)
            guard case .stepping = release.state else { return }
            switch progress {
            case .starting:
                enter(step)
            case .pausedUntil(let until):
                if now >= until { advance(from: step) }
            case .analysing(let run):
                let due = run.due(at: now).map(\.name)
                if !due.isEmpty { ask(.measure(.step, metrics: due)) }
            }
        case .atGate(let step, _):
            measureBackground(step: step)
        case .promoting(_, .rollingOut):
            ask(.checkPrimary)
        case .promoting(_, let stage):
            // A stage's effect was confirmed but the next was never queued (cannot happen through `next`); redo it.
            queueForStage(stage)
        case .aborting(let reason):
            finish(.aborted(reason: reason), message: reason)
        case .succeeded, .aborted, .superseded:
            break
        }
    }

    mutating func observed(_ observation: Observation) {
        guard let spec else { return }
        switch (observation, release.state) {
        case (.canary(let status), .startingCanary(let since)):
            if status.exists, status.current, status.availableReplicas >= spec.canaryReplicas {
                let running = status.digests.isEmpty ? "" : ", running \(status.digests.joined(separator: ", "))"
                record(
                    .step, "canary pods available (\(status.availableReplicas)/\(spec.canaryReplicas))\(running)",
                    ["digests": status.digests.joined(separator: " ")])
                release.verifiedDigests = status.digests
                enter(0)
            } else if !status.exists {
                abort("the canary Deployment \(spec.canaryDeployment) disappeared")
            } else if now.timeIntervalSince(since) > spec.progressDeadline.seconds {
                abort("canary pods not available within \(ReleaseDuration.format(spec.progressDeadline)) (\(status.health))")
            }
        case (.primary(let status), .promoting(let since, .rollingOut)):
            if !status.exists {
                abort("promotion failed: the primary Deployment \(spec.deployment) is gone")
            } else if status.health == .degraded {
                abort("promotion failed: \(status.message)")
            } else if status.images == release.images && status.health == .healthy {
                release.state = .promoting(since: since, stage: .shiftingTraffic)
                queue(.setWeights(canary: 0))
            } else if now.timeIntervalSince(since) > spec.progressDeadline.seconds {
                abort(
                    "promotion failed: the primary did not finish its rollout within \(ReleaseDuration.format(spec.progressDeadline)): "
                        + "\(status.message)"
                )
            }
        case (.measurement(let slot, let measurement, let rate), _):
            measured(slot, measurement, successRate: rate)
        default:
            break
        }
    }

    mutating func decided(_ decision: GateDecision) {
        let detail = ["actor": decision.actor, "decision": decision.action.rawValue, "reason": decision.reason ?? ""]
        guard !release.state.isFinal else { return }
        if case .aborting = release.state {
            record(.gate, "\(decision.action.rawValue) by \(decision.actor) ignored: the release is being rolled back", detail)
            return
        }
        switch (decision.action, release.state) {
        case (.promote, .atGate(let step, _)):
            record(.gate, decision.summary, detail.merging(["step": String(step + 1)]) { $1 })
            advance(from: step)
        case (.promote, _):
            record(.gate, "promote by \(decision.actor) ignored: no gate was waiting", detail)
        case (.abort, _):
            record(.gate, decision.summary, detail)
            abort(decision.summary)
        case (.approve, _):
            record(.gate, decision.summary, detail)
        }
    }

    mutating func resumed(_ note: String) {
        guard release.isActive else { return }
        if case .stepping(let step, .analysing(var run)) = release.state {
            run.resume(notBefore: ReleaseMachine.resumption(of: run, at: now))
            release.state = .stepping(step: step, progress: .analysing(run))
        }
        if var background = release.background {
            background.resume(notBefore: ReleaseMachine.resumption(of: background, at: now))
            release.background = background
        }
        record(
            .note, "resumed: \(note); \(release.phase.rawValue.lowercased()), \(release.message)",
            ["pending": release.pending.map(\.description).joined(separator: "; ")])
    }
}
