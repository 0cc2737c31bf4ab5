import Expressions
import Foundation
import GitOps
import Manifests
import Testing

@testable import Releases

/// Every transition of the release lifecycle as a value: a release in a state, one event, and what comes out —
/// the next state, the durable effects queued (in order), the immediate effects asked for, and what the timeline
/// says. No processes, no clocks, no sleeps. `everyStateMeetsEveryEvent` checks that each (state, event) pair
/// that can occur has a row, and names the ones that cannot with why.
@Suite struct ReleaseMachineTests {
    // MARK: The table

    @Test(arguments: Self.rows)
    func transition(_ row: Row) throws {
        let (next, effects) =
            row.start ? ReleaseMachine.start(row.given, now: row.at) : ReleaseMachine.next(row.given, row.event, now: row.at)
        #expect(StateKind(next.state) == row.expected, "state: \(next.state)")
        #expect(next.pending == row.pending, "pending")
        let asked = effects.filter { if case .record = $0 { false } else { !$0.isDurable } }
        #expect(asked == row.asked, "asked")
        let queued = effects.filter(\.isDurable)
        #expect(queued.allSatisfy { next.pending.contains($0) }, "every durable effect asked for is queued: \(queued)")
        let records = effects.compactMap { if case .record(let entry) = $0 { entry.summary } else { nil } }
        for text in row.records {
            #expect(records.contains { $0.contains(text) }, "a timeline entry containing \"\(text)\" in \(records)")
        }
        if row.records.isEmpty && row.quiet { #expect(records.isEmpty, "nothing recorded: \(records)") }
        if let check = row.check { #expect(check.holds(next), "\(check.what)") }
        if row.expected == row.givenKind, row.pending == row.given.pending, row.asked.isEmpty, row.quiet {
            #expect(next == row.given, "an ignored event changes nothing")
        }
    }

    @Test func everyStateMeetsEveryEvent() {
        var covered: Set<Pair> = []
        for row in Self.rows where !row.start {
            covered.insert(Pair(state: row.givenKind, event: EventKind(row.event, pending: row.given.pending)))
        }
        var missing: [String] = []
        for state in StateKind.allCases {
            for event in EventKind.allCases {
                let pair = Pair(state: state, event: event)
                if covered.contains(pair) { continue }
                if Self.impossible[pair] != nil { continue }
                missing.append("\(state) + \(event)")
            }
        }
        #expect(missing.isEmpty, "pairs without a row or a reason: \(missing.joined(separator: ", "))")
        for (pair, reason) in Self.impossible {
            #expect(!covered.contains(pair), "\(pair.state) + \(pair.event) has a row but is listed as impossible (\(reason))")
        }
    }

    // MARK: Fixture

    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    static func at(_ seconds: Double) -> Date { t0.addingTimeInterval(seconds) }

    static let spec = CanarySpec(
        name: "app", namespace: "demo", deployment: "app", service: "app-service", virtualService: "app-vs", destinationRule: "app-dr",
        steps: [.setWeight(10), .analysis(["quick"]), .pause(nil)], backgroundAnalysis: ["quick"], backgroundStartingStep: 2,
        progressDeadline: .seconds(60))

    static let template = AnalysisTemplateSpec(
        name: "quick", arguments: [:],
        metrics: [
            .init(
                metric: AnalysisMetric(
                    name: "success-rate", interval: .seconds(1), count: 2, successCondition: try? ConditionExpression("result >= 0.95"),
                    failureLimit: 0, inconclusiveLimit: 0,
                    provider: .local(.init(kind: .requests, namespace: "", service: "", workload: "", window: .zero))),
                provider: .local(.successRate, window: .seconds(10)))
        ])

    static let plan = ReleasePlan(
        spec: spec, templates: ["quick": template],
        application: Application(name: "demo-qa", repository: "/git/gitops.git", path: "overlays/qa"),
        desired: .object(["kind": .string("Deployment")]), previousTemplate: .object([:]))

    static func release(_ state: ReleaseState, pending: [ReleaseEffect] = [], background: AnalysisRun? = nil, weight: Int = 0) -> Release {
        var release = Release(
            id: 7, key: "key-7", application: "demo-qa", environment: "qa", namespace: "demo", canary: "app", revision: "abc123",
            images: ["registry.local/app:v2"], previousImages: ["registry.local/app:v1"], stepCount: 3, startedAt: t0, plan: plan)
        release.state = state
        release.pending = pending
        release.background = background
        release.canaryWeight = weight
        return release
    }

    /// The step analysis as started at t0, with measurements of these phases taken at 1 s, 2 s, …
    static func stepRun(_ phases: [MeasurementPhase] = []) -> AnalysisRun {
        var transition = ReleaseTransition(release: release(.stepping(step: 1, progress: .starting)), now: t0)
        var run = (try? transition.analysisRun(["quick"])) ?? AnalysisRun(name: "quick", metrics: [], startedAt: t0)
        for (index, phase) in phases.enumerated() { run.record(measurement(phase, at: Double(index + 1))) }
        transition.release.state = .stepping(step: 1, progress: .analysing(run))
        return run
    }

    static func backgroundRun(_ phases: [MeasurementPhase] = []) -> AnalysisRun {
        var run = stepRun(phases)
        for index in run.metrics.indices { run.metrics[index].count = nil }
        return run
    }

    static func measurement(_ phase: MeasurementPhase, at seconds: Double, metric: String = "success-rate") -> MetricMeasurement {
        MetricMeasurement(
            metric: metric, phase: phase, query: "success-rate{}", value: phase == .failed ? "0.7" : "0.99", requests: 40,
            message: "why", startedAt: at(seconds), finishedAt: at(seconds))
    }

    static let analysing = ReleaseState.stepping(step: 1, progress: .analysing(stepRun()))
    static let atGate = ReleaseState.atGate(step: 2, reason: .manualPause)
    static let rollback: [ReleaseEffect] = [.holdRevision, .setWeights(canary: 0), .removeCanary, .revertCommit]
    static let rollbackAfterPromotion: [ReleaseEffect] = [
        .holdRevision, .setWeights(canary: 0), .applyPrimary(.previous), .removeCanary, .revertCommit,
    ]
    static let available = Observation.canary(
        CanaryStatus(exists: true, availableReplicas: 1, current: true, digests: ["sha256:aa"], health: "Healthy"))
    static let starting = Observation.canary(CanaryStatus(exists: true, availableReplicas: 0, current: true, health: "Progressing"))
    static let primaryDone = Observation.primary(PrimaryStatus(exists: true, images: ["registry.local/app:v2"], health: .healthy))
    static let primaryRolling = Observation.primary(
        PrimaryStatus(
            exists: true, images: ["registry.local/app:v2"], health: .progressing,
            message: "1 of 3 updated"))
    static let primaryDegraded = Observation.primary(
        PrimaryStatus(
            exists: true, images: ["registry.local/app:v2"], health: .degraded,
            message: "crash loop"))
    static func decide(_ action: GateDecision.Action, _ actor: String = "alice", _ reason: String? = nil) -> ReleaseEvent {
        .decided(GateDecision(action, actor: actor, reason: reason, at: at(1)))
    }
    static func stepMeasured(_ phase: MeasurementPhase, at seconds: Double = 1) -> ReleaseEvent {
        .observed(.measurement(.step, measurement(phase, at: seconds), successRate: phase == .failed ? 0.7 : 0.99))
    }
    static func backgroundMeasured(_ phase: MeasurementPhase, at seconds: Double = 1) -> ReleaseEvent {
        .observed(.measurement(.background, measurement(phase, at: seconds), successRate: nil))
    }
    static let supersede = ReleaseEvent.superseded(reason: "revision def456 replaced it", gitWentBack: false)
    static let gitWentBack = ReleaseEvent.superseded(reason: "revision def456 no longer asks for v2", gitWentBack: true)
    static let resumed = ReleaseEvent.resumed(note: "taken over by a new controller")
    static let promotingApplying = ReleaseState.promoting(since: t0, stage: .applyingPrimary)
    static let promotingRolling = ReleaseState.promoting(since: t0, stage: .rollingOut)
    static let promotingShifting = ReleaseState.promoting(since: t0, stage: .shiftingTraffic)
    static let promotingRemoving = ReleaseState.promoting(since: t0, stage: .removingCanary)
    static let aborting = ReleaseState.aborting(reason: "analysis quick failed")

    static let rows: [Row] = {
        var rows: [Row] = []
        func row(
            _ name: String, _ given: Release, _ event: ReleaseEvent, at seconds: Double = 1, _ expected: StateKind,
            pending: [ReleaseEffect]? = nil,
            asked: [ReleaseEffect] = [], records: [String] = [], quiet: Bool = false, check: Check? = nil
        ) {
            rows.append(
                Row(
                    name: name, given: given, event: event, at: at(seconds), expected: expected, pending: pending ?? given.pending,
                    asked: asked,
                    records: records, quiet: quiet, check: check))
        }
        func ignored(_ name: String, _ given: Release, _ event: ReleaseEvent, at seconds: Double = 1) {
            row(name, given, event, at: seconds, StateKind(given.state), quiet: true)
        }

        // Start.
        rows.append(
            Row(
                name: "start: traffic on the primary, then the canary", given: release(.startingCanary(since: t0)), event: .tick, at: t0,
                expected: .startingCanary, pending: [.setWeights(canary: 0), .createCanary], asked: [],
                records: [
                    "registry.local/app:v1 → registry.local/app:v2",
                    "canary release started: setWeight 10 → analysis quick → pause (until promoted) → promote",
                ],
                quiet: false, check: nil, start: true))

        // Starting the canary.
        let startingCanary = release(.startingCanary(since: t0))
        row("starting: a tick reads the canary", startingCanary, .tick, .startingCanary, asked: [.checkCanary], quiet: true)
        ignored("starting: a tick waits while effects are pending", release(.startingCanary(since: t0), pending: [.createCanary]), .tick)
        row(
            "starting: pods available → the first step", startingCanary, .observed(available), .steppingStarting,
            pending: [.setWeights(canary: 10)],
            records: ["canary pods available (1/1), running sha256:aa"],
            check: Check("the digests the canary runs are what the release verifies (and a promotion carries)") {
                $0.verifiedDigests == ["sha256:aa"]
            })
        ignored("starting: pods not yet available within the deadline", startingCanary, .observed(starting), at: 30)
        row(
            "starting: pods not available by the deadline → abort", startingCanary, .observed(starting), at: 61, .aborting,
            pending: rollback,
            check: Check("the reason names the deadline") { $0.message == "canary pods not available within 1m (Progressing)" })
        row(
            "starting: the canary Deployment disappeared → abort", startingCanary, .observed(.canary(CanaryStatus(exists: false))),
            .aborting,
            pending: rollback, check: Check("the reason") { $0.message == "the canary Deployment app-canary disappeared" })
        row(
            "starting: canary created", release(.startingCanary(since: t0), pending: [.createCanary]), .completed(.createCanary, .done),
            .startingCanary, pending: [], records: ["canary app-canary created (1 replica, registry.local/app:v2)"])
        row(
            "starting: weights already 100/0 confirmed, nothing to say",
            release(.startingCanary(since: t0), pending: [.setWeights(canary: 0), .createCanary]),
            .completed(.setWeights(canary: 0), .done), .startingCanary, pending: [.createCanary], quiet: true)
        ignored("starting: a completion of an effect not pending is stale", startingCanary, .completed(.removeCanary, .done))
        row(
            "starting: the canary cannot be created → abort", release(.startingCanary(since: t0), pending: [.createCanary]),
            .failed(.createCanary, reason: "DestinationRule app-dr is not live"), .aborting, pending: rollback,
            check: Check("why") { $0.message == "could not create the canary: DestinationRule app-dr is not live" })
        ignored("starting: a primary status is not asked for here", startingCanary, .observed(primaryDone))
        ignored("starting: a step measurement without a step analysis is stale", startingCanary, stepMeasured(.successful))
        ignored(
            "starting: a background measurement before background analysis started is stale", startingCanary, backgroundMeasured(.failed))
        row(
            "starting: promote without a gate is ignored", startingCanary, decide(.promote), .startingCanary,
            records: ["promote by alice ignored: no gate was waiting"])
        row(
            "starting: abort", startingCanary, decide(.abort, "bob", "wrong build"), .aborting, pending: rollback,
            records: ["aborted by bob: wrong build"], check: Check("the reason") { $0.message == "aborted by bob: wrong build" })
        row(
            "starting: an approval is recorded and moves nothing", startingCanary, decide(.approve, "carol"), .startingCanary,
            records: ["approved by carol"])
        row(
            "starting: superseded by a newer release", startingCanary, supersede, .superseded, pending: [],
            records: ["superseded: revision def456 replaced it"],
            check: Check("finished") { $0.finishedAt == at(1) })
        row(
            "starting: git went back → traffic and canary put back", startingCanary, gitWentBack, .superseded,
            pending: [.setWeights(canary: 0), .removeCanary])
        row("starting: resumed", startingCanary, resumed, .startingCanary, records: ["resumed: taken over by a new controller"])

        // Stepping: a setWeight on its way.
        let settingWeight = release(.stepping(step: 0, progress: .starting), pending: [.setWeights(canary: 10)])
        row(
            "setWeight: weights set → the analysis step starts", settingWeight, .completed(.setWeights(canary: 10), .done),
            .steppingAnalysing,
            pending: [], asked: [.startMeasuring], records: ["traffic 90/10 (primary/canary)", "analysis quick started"],
            check: Check("weight 10 and step 1") { $0.canaryWeight == 10 && $0.stepIndex == 1 })
        row(
            "setWeight: the route cannot be written → abort", settingWeight,
            .failed(.setWeights(canary: 10), reason: "VirtualService app-vs is not live"),
            .aborting, pending: rollback)
        ignored("setWeight: a tick waits for the weights", settingWeight, .tick)
        row(
            "setWeight: with nothing pending a tick asks for the weights again", release(.stepping(step: 0, progress: .starting)), .tick,
            .steppingStarting, pending: [.setWeights(canary: 10)])
        ignored("setWeight: a stale completion", settingWeight, .completed(.createCanary, .done))
        ignored("setWeight: a canary status is not asked for here", settingWeight, .observed(available))
        ignored("setWeight: a primary status is not asked for here", settingWeight, .observed(primaryDone))
        ignored("setWeight: a stale step measurement", settingWeight, stepMeasured(.failed))
        ignored("setWeight: no background analysis yet", settingWeight, backgroundMeasured(.failed))
        row("setWeight: promote is ignored", settingWeight, decide(.promote), .steppingStarting, records: ["ignored: no gate was waiting"])
        row("setWeight: abort drops the queued weights", settingWeight, decide(.abort), .aborting, pending: rollback)
        row("setWeight: approve", settingWeight, decide(.approve), .steppingStarting, records: ["approved by alice"])
        row(
            "race: a newer release while this one's step is written", settingWeight, supersede, .superseded, pending: [],
            check: Check("its step is not bumped") { $0.stepIndex == 3 && $0.canaryWeight == 0 })
        row(
            "race: the step's completion arriving after the supersede is stale",
            {
                var r = settingWeight
                r.state = .superseded(reason: "replaced")
                r.pending = []
                return r
            }(), .completed(.setWeights(canary: 10), .done),
            .superseded, pending: [], quiet: true,
            check: Check("nothing moves") { $0.canaryWeight == 0 && $0.message == "starting the canary" })
        row("setWeight: git went back", settingWeight, gitWentBack, .superseded, pending: [.setWeights(canary: 0), .removeCanary])
        row("setWeight: resumed", settingWeight, resumed, .steppingStarting, records: ["resumed"])

        // Stepping: a timed pause.
        let paused = release(.stepping(step: 1, progress: .pausedUntil(at(30))), weight: 10)
        ignored("pause: a tick before its end", paused, .tick, at: 10)
        row(
            "pause: a tick after its end → the next step (a gate)", paused, .tick, at: 30, .atGate, asked: [.startMeasuring],
            records: ["background analysis quick started", "waiting for promotion (slipway rollout promote demo-qa)"])
        ignored("pause: a stale completion", paused, .completed(.revertCommit, .done))
        ignored("pause: a canary status is not asked for", paused, .observed(available))
        ignored("pause: a primary status is not asked for", paused, .observed(primaryDone))
        ignored("pause: a stale step measurement", paused, stepMeasured(.successful))
        ignored("pause: no background analysis yet", paused, backgroundMeasured(.successful))
        row("pause: promote is ignored (not a gate)", paused, decide(.promote), .steppingPaused, records: ["ignored"])
        row("pause: abort", paused, decide(.abort), .aborting, pending: rollback)
        row("pause: approve", paused, decide(.approve), .steppingPaused, records: ["approved"])
        row("pause: superseded", paused, supersede, .superseded, pending: [])
        row("pause: git went back", paused, gitWentBack, .superseded, pending: [.setWeights(canary: 0), .removeCanary])
        row("pause: resumed", paused, resumed, .steppingPaused, records: ["resumed"])

        // Stepping: an analysis.
        let analysing = release(Self.analysing, weight: 10)
        row(
            "analysis: a tick measures what is due", analysing, .tick, at: 0, .steppingAnalysing,
            asked: [.measure(.step, metrics: ["success-rate"])])
        row(
            "analysis: nothing due yet", release(.stepping(step: 1, progress: .analysing(stepRun([.successful]))), weight: 10), .tick,
            at: 1.5,
            .steppingAnalysing, quiet: true)
        row(
            "analysis: one success of two", analysing, stepMeasured(.successful), .steppingAnalysing,
            records: ["success-rate = 0.99, 40 requests: Successful"],
            check: Check("the rate and the run") { $0.canarySuccessRate == 0.99 && $0.stepIndex == 1 })
        row(
            "analysis: the count reached → the gate, background analysis starts",
            release(.stepping(step: 1, progress: .analysing(stepRun([.successful]))), weight: 10), stepMeasured(.successful, at: 2),
            .atGate,
            asked: [.startMeasuring],
            records: ["analysis quick: Successful", "background analysis quick started", "waiting for promotion"],
            check: Check("a background run") { $0.background != nil })
        row(
            "analysis: a failed measurement → abort", analysing, stepMeasured(.failed), .aborting, pending: rollback,
            records: ["analysis quick: Failed — metric success-rate failed 1 time (failureLimit 0)"],
            check: Check("first failing measurement kept") {
                $0.firstFailingMeasurementAt == at(1) && $0.message.hasPrefix("analysis quick failed:")
            })
        row(
            "analysis: an inconclusive measurement → a gate", analysing, stepMeasured(.inconclusive), .atGate,
            records: ["analysis quick: Inconclusive"],
            check: Check("gate reason") { if case .atGate(1, .inconclusive) = $0.state { true } else { false } })
        row("analysis: a provider error is retried", analysing, stepMeasured(.error), .steppingAnalysing, records: ["Error"])
        ignored("analysis: a stale completion", analysing, .completed(.applyPrimary(.new), .done))
        ignored("analysis: a canary status is not asked for", analysing, .observed(available))
        ignored("analysis: a primary status is not asked for", analysing, .observed(primaryDone))
        ignored("analysis: no background analysis before its starting step", analysing, backgroundMeasured(.failed))
        row(
            "analysis: background inconclusive while stepping → a gate",
            release(Self.analysing, background: backgroundRun(), weight: 10), backgroundMeasured(.inconclusive), .atGate,
            records: ["background analysis quick: Inconclusive"], check: Check("background cleared") { $0.background == nil })
        row(
            "analysis: background failure while stepping → abort", release(Self.analysing, background: backgroundRun(), weight: 10),
            backgroundMeasured(.failed), .aborting, pending: rollback, records: ["background analysis quick: Failed"])
        row("analysis: promote is ignored", analysing, decide(.promote), .steppingAnalysing, records: ["ignored"])
        row("analysis: abort", analysing, decide(.abort), .aborting, pending: rollback)
        row("analysis: approve", analysing, decide(.approve), .steppingAnalysing, records: ["approved"])
        row("analysis: superseded", analysing, supersede, .superseded, pending: [])
        row("analysis: git went back", analysing, gitWentBack, .superseded, pending: [.setWeights(canary: 0), .removeCanary])
        row(
            "analysis: resumed → measurements wait one interval for a fresh window", analysing, resumed, .steppingAnalysing,
            records: ["resumed"],
            check: Check("no measurement before now + the 1 s interval") {
                if case .stepping(_, .analysing(let run)) = $0.state {
                    run.due(at: at(1.9)).isEmpty && !run.due(at: at(2)).isEmpty
                } else {
                    false
                }
            })

        // At the gate, with background analysis running.
        let gate = release(Self.atGate, background: backgroundRun([.successful]), weight: 10)
        row(
            "gate: a tick measures the background analysis", gate, .tick, at: 3, .atGate,
            asked: [.measure(.background, metrics: ["success-rate"])])
        row(
            "gate: promote → the promotion", gate, decide(.promote, "alice", "looks good"), .promotingApplying,
            pending: [.applyPrimary(.new)],
            records: ["promoted by alice: looks good", "promotion: app takes registry.local/app:v2"],
            check: Check("background stopped") { $0.background?.phase == .successful })
        row("gate: abort", gate, decide(.abort, "bob"), .aborting, pending: rollback, records: ["aborted by bob"])
        row("gate: approve", gate, decide(.approve, "carol"), .atGate, records: ["approved by carol"])
        row("gate: background failure → abort", gate, backgroundMeasured(.failed, at: 2), .aborting, pending: rollback)
        row(
            "gate: background inconclusive → it starts again", gate, backgroundMeasured(.inconclusive, at: 2), .atGate,
            records: ["it starts again"], check: Check("cleared") { $0.background == nil })
        row("gate: background success", gate, backgroundMeasured(.successful, at: 2), .atGate, records: ["Successful"])
        ignored("gate: a stale completion", gate, .completed(.setWeights(canary: 10), .done))
        ignored("gate: a canary status is not asked for", gate, .observed(available))
        ignored("gate: a primary status is not asked for", gate, .observed(primaryDone))
        ignored("gate: a stale step measurement", gate, stepMeasured(.failed))
        row("gate: superseded", gate, supersede, .superseded, pending: [])
        row("gate: git went back", gate, gitWentBack, .superseded, pending: [.setWeights(canary: 0), .removeCanary])
        row("gate: resumed", gate, resumed, .atGate, records: ["resumed"])
        row(
            "inconclusive gate: promote → the next step",
            release(.atGate(step: 1, reason: .inconclusive("too little traffic")), weight: 10),
            decide(.promote), .atGate, asked: [.startMeasuring], records: ["promoted by alice", "waiting for promotion"],
            check: Check("at step 2") { $0.stepIndex == 2 })

        // Promotion: the primary takes the new version.
        let applying = release(promotingApplying, pending: [.applyPrimary(.new)], weight: 10)
        row(
            "promotion: primary applied → rolling out", applying, .completed(.applyPrimary(.new), .done), .promotingRollingOut,
            pending: [], quiet: true)
        row(
            "promotion: the primary cannot be applied → abort, previous version back", applying,
            .failed(.applyPrimary(.new), reason: "conflict"), .aborting, pending: rollbackAfterPromotion)
        row(
            "race: abort while the promotion applies the primary → its previous version back", applying, decide(.abort, "bob"), .aborting,
            pending: rollbackAfterPromotion, records: ["the primary had started taking the new version"])
        ignored("promotion: a tick waits for the apply", applying, .tick)
        ignored("promotion: a stale completion", applying, .completed(.createCanary, .done))
        ignored("promotion: a canary status is not asked for", applying, .observed(available))
        ignored("promotion: a primary status before the apply is confirmed is not asked for", applying, .observed(primaryDone))
        ignored("promotion: a stale step measurement", applying, stepMeasured(.failed))
        ignored("promotion: background analysis has stopped", applying, backgroundMeasured(.failed))
        row("promotion: promote is ignored", applying, decide(.promote), .promotingApplying, records: ["ignored"])
        row("promotion: approve", applying, decide(.approve), .promotingApplying, records: ["approved"])
        row("promotion: superseded", applying, supersede, .superseded, pending: [])
        row("promotion: git went back", applying, gitWentBack, .superseded, pending: [.setWeights(canary: 0), .removeCanary])
        row("promotion: resumed", applying, resumed, .promotingApplying, records: ["resumed"])
        let rolling = release(promotingRolling, weight: 10)
        row("rollout: a tick reads the primary", rolling, .tick, .promotingRollingOut, asked: [.checkPrimary], quiet: true)
        row(
            "rollout: done and healthy → traffic to the primary", rolling, .observed(primaryDone), .promotingShifting,
            pending: [.setWeights(canary: 0)])
        ignored("rollout: still rolling out within the deadline", rolling, .observed(primaryRolling), at: 30)
        row(
            "rollout: not done by the deadline → abort, previous version back", rolling, .observed(primaryRolling), at: 61, .aborting,
            pending: rollbackAfterPromotion,
            check: Check("why") { $0.message == "promotion failed: the primary did not finish its rollout within 1m: 1 of 3 updated" })
        row(
            "rollout: degraded → abort", rolling, .observed(primaryDegraded), .aborting, pending: rollbackAfterPromotion,
            check: Check("why") { $0.message == "promotion failed: crash loop" })
        row(
            "rollout: the primary is gone → abort", rolling, .observed(.primary(PrimaryStatus(exists: false))), .aborting,
            pending: rollbackAfterPromotion)
        row("rollout: abort", rolling, decide(.abort), .aborting, pending: rollbackAfterPromotion)
        row("rollout: superseded", rolling, supersede, .superseded, pending: [])
        row("rollout: git went back", rolling, gitWentBack, .superseded, pending: [.setWeights(canary: 0), .removeCanary])
        row("rollout: resumed", rolling, resumed, .promotingRollingOut, records: ["resumed"])
        ignored("rollout: a stale completion", rolling, .completed(.revertCommit, .done))
        ignored("rollout: a canary status is not asked for", rolling, .observed(available))
        ignored("rollout: a stale step measurement", rolling, stepMeasured(.failed))
        ignored("rollout: background analysis has stopped", rolling, backgroundMeasured(.failed))
        row("rollout: promote is ignored", rolling, decide(.promote), .promotingRollingOut, records: ["ignored"])
        row("rollout: approve", rolling, decide(.approve), .promotingRollingOut, records: ["approved"])
        let shifting = release(promotingShifting, pending: [.setWeights(canary: 0)], weight: 10)
        row(
            "shifting: 100/0 → remove the canary", shifting, .completed(.setWeights(canary: 0), .done), .promotingRemoving,
            pending: [.removeCanary],
            records: ["traffic 100/0 (primary/canary)"], check: Check("weight 0") { $0.canaryWeight == 0 })
        row(
            "shifting: the weights cannot be set → abort", shifting, .failed(.setWeights(canary: 0), reason: "gone"), .aborting,
            pending: rollbackAfterPromotion)
        row("shifting: abort", shifting, decide(.abort), .aborting, pending: rollbackAfterPromotion)
        ignored("shifting: a tick waits", shifting, .tick)
        ignored("shifting: a stale completion", shifting, .completed(.createCanary, .done))
        ignored("shifting: a canary status is not asked for", shifting, .observed(available))
        ignored("shifting: a primary status is not asked for", shifting, .observed(primaryDone))
        ignored("shifting: a stale step measurement", shifting, stepMeasured(.failed))
        ignored("shifting: background analysis has stopped", shifting, backgroundMeasured(.failed))
        row("shifting: promote is ignored", shifting, decide(.promote), .promotingShifting, records: ["ignored"])
        row("shifting: approve", shifting, decide(.approve), .promotingShifting, records: ["approved"])
        row("shifting: superseded", shifting, supersede, .superseded, pending: [])
        row("shifting: git went back", shifting, gitWentBack, .superseded, pending: [.setWeights(canary: 0), .removeCanary])
        row("shifting: resumed", shifting, resumed, .promotingShifting, records: ["resumed"])
        let removing = release(promotingRemoving, pending: [.removeCanary])
        row(
            "removing: canary gone → succeeded", removing, .completed(.removeCanary, .done), .succeeded, pending: [],
            records: ["promoted: app runs registry.local/app:v2; canary removed"],
            check: Check("finished") { $0.finishedAt == at(1) && $0.message == "promoted" })
        row(
            "removing: the canary cannot be removed → abort", removing, .failed(.removeCanary, reason: "timeout"), .aborting,
            pending: rollbackAfterPromotion)
        row("removing: abort", removing, decide(.abort), .aborting, pending: rollbackAfterPromotion)
        ignored("removing: a tick waits", removing, .tick)
        ignored("removing: a stale completion", removing, .completed(.createCanary, .done))
        ignored("removing: a canary status is not asked for", removing, .observed(available))
        ignored("removing: a primary status is not asked for", removing, .observed(primaryDone))
        ignored("removing: a stale step measurement", removing, stepMeasured(.failed))
        ignored("removing: background analysis has stopped", removing, backgroundMeasured(.failed))
        row("removing: promote is ignored", removing, decide(.promote), .promotingRemoving, records: ["ignored"])
        row("removing: approve", removing, decide(.approve), .promotingRemoving, records: ["approved"])
        row("removing: superseded", removing, supersede, .superseded, pending: [])
        row("removing: git went back", removing, gitWentBack, .superseded, pending: [.setWeights(canary: 0), .removeCanary])
        row("removing: resumed", removing, resumed, .promotingRemoving, records: ["resumed"])

        // Aborting: the rollback's effects, one by one.
        let abortingAll = release(aborting, pending: rollback, weight: 10)
        row(
            "abort: revision held", abortingAll, .completed(.holdRevision, .done), .aborting, pending: Array(rollback.dropFirst()),
            quiet: true)
        row(
            "abort: traffic back", release(aborting, pending: Array(rollback.dropFirst()), weight: 10),
            .completed(.setWeights(canary: 0), .done), .aborting,
            pending: [.removeCanary, .revertCommit], records: ["traffic 100/0 (primary/canary): analysis quick failed"])
        row(
            "abort: traffic cannot be moved back: said, and the rollback goes on",
            release(aborting, pending: Array(rollback.dropFirst()), weight: 10),
            .failed(.setWeights(canary: 0), reason: "no route"), .aborting, pending: [.removeCanary, .revertCommit],
            records: ["could not move traffic back to the primary: no route"])
        row(
            "abort: the primary back on its previous version",
            release(aborting, pending: [.applyPrimary(.previous), .removeCanary, .revertCommit]),
            .completed(.applyPrimary(.previous), .done), .aborting,
            pending: [.removeCanary, .revertCommit], records: ["app is back on registry.local/app:v1"])
        row(
            "abort: canary removed", release(aborting, pending: [.removeCanary, .revertCommit]), .completed(.removeCanary, .done),
            .aborting,
            pending: [.revertCommit], records: ["canary app-canary removed"])
        row(
            "abort: reverted → aborted", release(aborting, pending: [.revertCommit]),
            .completed(.revertCommit, .reverted(revision: "fff999", alreadyPushed: false)),
            .aborted, pending: [], records: ["reverted abc123 as fff999; revision held from auto-sync"],
            check: Check("the revert kept") {
                $0.revertRevision == "fff999" && $0.finishedAt == at(1) && $0.message == "analysis quick failed"
            })
        row(
            "abort: the revert an earlier controller pushed", release(aborting, pending: [.revertCommit]),
            .completed(.revertCommit, .reverted(revision: "fff999", alreadyPushed: true)), .aborted, pending: [],
            records: ["the revert fff999 of abc123 was already pushed"])
        row(
            "abort: the revert fails: held anyway → aborted", release(aborting, pending: [.revertCommit]),
            .failed(.revertCommit, reason: "does not apply cleanly"), .aborted, pending: [],
            records: ["revision abc123 held from auto-sync; the revert failed: does not apply cleanly"])
        ignored("abort: a tick waits for the effects", abortingAll, .tick)
        row("abort: nothing left on a tick → aborted", release(aborting), .tick, .aborted, pending: [])
        ignored("abort: a stale completion (the promotion's apply)", abortingAll, .completed(.applyPrimary(.new), .done))
        ignored("abort: a canary status is not asked for", abortingAll, .observed(available))
        ignored("abort: a primary status is not asked for", abortingAll, .observed(primaryDone))
        ignored("abort: a late step measurement", abortingAll, stepMeasured(.successful))
        ignored("abort: a late background measurement", abortingAll, backgroundMeasured(.successful))
        row(
            "abort: promote is refused", abortingAll, decide(.promote), .aborting,
            records: ["promote by alice ignored: the release is being rolled back"])
        row("abort: a second abort changes nothing", abortingAll, decide(.abort, "bob"), .aborting, records: ["abort by bob ignored"])
        row("abort: approve changes nothing", abortingAll, decide(.approve), .aborting, records: ["ignored"])
        ignored("abort: a newer revision does not stop the rollback", abortingAll, supersede)
        ignored("abort: nor does git going back", abortingAll, gitWentBack)
        row("abort: resumed", abortingAll, resumed, .aborting, records: ["resumed"])

        // Final states.
        for (name, state) in [
            ("succeeded", ReleaseState.succeeded), ("aborted", .aborted(reason: "x")), ("superseded", .superseded(reason: "x")),
        ] {
            let done = release(state)
            for (what, event) in [
                ("tick", ReleaseEvent.tick), ("stale completion", .completed(.createCanary, .done)),
                ("canary status", .observed(available)),
                ("primary status", .observed(primaryDone)), ("step measurement", stepMeasured(.failed)),
                ("background measurement", backgroundMeasured(.failed)), ("promote", decide(.promote)), ("abort", decide(.abort)),
                ("approve", decide(.approve)), ("superseded", supersede), ("git went back", gitWentBack), ("resumed", resumed),
            ] {
                ignored("\(name): \(what) changes nothing", done, event)
            }
        }
        let cleaningUp = release(.superseded(reason: "git went back"), pending: [.setWeights(canary: 0), .removeCanary], weight: 10)
        row(
            "superseded clean-up: traffic back", cleaningUp, .completed(.setWeights(canary: 0), .done), .superseded,
            pending: [.removeCanary],
            records: ["traffic 100/0"])
        row(
            "superseded clean-up: canary removed", release(.superseded(reason: "git went back"), pending: [.removeCanary]),
            .completed(.removeCanary, .done), .superseded, pending: [], records: ["canary app-canary removed"])
        row(
            "superseded clean-up: an effect fails: said", cleaningUp, .failed(.setWeights(canary: 0), reason: "no route"), .superseded,
            pending: [.removeCanary], records: ["could not set the weights to 100/0 (primary/canary): no route"])
        row("superseded clean-up: resumed", cleaningUp, resumed, .superseded, records: ["resumed"])
        return rows
    }()

    /// Pairs no row can have, and why.
    static let impossible: [Pair: String] = {
        var impossible: [Pair: String] = [:]
        let notQueued = "the effect is never pending in this state: completions here are stale, covered by the stale rows"
        for state in [StateKind.steppingPaused, .steppingAnalysing, .atGate, .promotingRollingOut] {
            impossible[Pair(state: state, event: .completed)] = notQueued
            impossible[Pair(state: state, event: .failed)] = notQueued
        }
        for state in [StateKind.succeeded, .aborted] {
            impossible[Pair(state: state, event: .completed)] =
                "a succeeded or aborted release has nothing pending: both end with an empty queue"
            impossible[Pair(state: state, event: .failed)] =
                "a succeeded or aborted release has nothing pending: both end with an empty queue"
        }
        return impossible
    }()

    // MARK: Row vocabulary

    struct Check: Sendable {
        let what: String
        let holds: @Sendable (Release) -> Bool
        init(_ what: String, _ holds: @escaping @Sendable (Release) -> Bool) {
            self.what = what
            self.holds = holds
        }
    }

    struct Row: Sendable, CustomTestStringConvertible {
        var name: String
        var given: Release
        var event: ReleaseEvent
        var at: Date
        var expected: StateKind
        var pending: [ReleaseEffect]
        var asked: [ReleaseEffect]
        var records: [String]
        var quiet: Bool
        var check: Check?
        var start = false

        var givenKind: StateKind { StateKind(given.state) }
        var testDescription: String { name }
    }

    enum StateKind: String, CaseIterable, Sendable, Hashable {
        case startingCanary, steppingStarting, steppingPaused, steppingAnalysing, atGate
        case promotingApplying, promotingRollingOut, promotingShifting, promotingRemoving, aborting, succeeded, aborted, superseded

        init(_ state: ReleaseState) {
            switch state {
            case .startingCanary: self = .startingCanary
            case .stepping(_, .starting): self = .steppingStarting
            case .stepping(_, .pausedUntil): self = .steppingPaused
            case .stepping(_, .analysing): self = .steppingAnalysing
            case .atGate: self = .atGate
            case .promoting(_, .applyingPrimary): self = .promotingApplying
            case .promoting(_, .rollingOut): self = .promotingRollingOut
            case .promoting(_, .shiftingTraffic): self = .promotingShifting
            case .promoting(_, .removingCanary): self = .promotingRemoving
            case .aborting: self = .aborting
            case .succeeded: self = .succeeded
            case .aborted: self = .aborted
            case .superseded: self = .superseded
            }
        }
    }

    enum EventKind: String, CaseIterable, Sendable, Hashable {
        case tick, completed, completedStale, failed, observedCanary, observedPrimary, observedStepMeasurement,
            observedBackgroundMeasurement
        case promote, abort, approve, superseded, gitWentBack, resumed

        init(_ event: ReleaseEvent, pending: [ReleaseEffect]) {
            switch event {
            case .tick: self = .tick
            case .completed(let effect, _): self = pending.contains(effect) ? .completed : .completedStale
            case .failed: self = .failed
            case .observed(.canary): self = .observedCanary
            case .observed(.primary): self = .observedPrimary
            case .observed(.measurement(.step, _, _)): self = .observedStepMeasurement
            case .observed(.measurement(.background, _, _)): self = .observedBackgroundMeasurement
            case .decided(let decision):
                switch decision.action {
                case .promote: self = .promote
                case .abort: self = .abort
                case .approve: self = .approve
                }
            case .superseded(_, let gitWentBack): self = gitWentBack ? .gitWentBack : .superseded
            case .resumed: self = .resumed
            }
        }
    }

    struct Pair: Hashable, Sendable {
        var state: StateKind
        var event: EventKind
    }
}
