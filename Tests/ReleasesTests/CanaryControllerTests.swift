import Core
import Foundation
import GitOps
import Manifests
import SlipwayTesting
import Store
import TargetKit
import Testing

@testable import Releases

/// Canary releases driven through the sync engine, against real git repositories and an in-memory target, with
/// metrics from a fake provider: promotion, automatic abort with revert and hold, gates, and bad strategies.
@Suite struct CanaryControllerTests {
    /// Metrics the test sets: the canary's success rate and how many requests it saw.
    final class FakeMetrics: MetricSource, @unchecked Sendable {
        private let lock = NSLock()
        private var rate = 1.0
        func set(_ value: Double) { lock.withLock { rate = value } }
        func measure(_ provider: MetricProvider) async throws -> MetricSample {
            lock.withLock { .scalar(rate, requests: 100, query: provider.queryText) }
        }
    }

    static let objects = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: app}
        spec:
          replicas: 3
          selector: {matchLabels: {app: app, version: primary}}
          template:
            metadata: {labels: {app: app, version: primary}}
            spec:
              containers:
              - name: app
                image: registry.local/app:v1
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: app-service}
        spec:
          selector: {app: app}
          ports: [{port: 80, targetPort: 8080}]
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: app-dr}
        spec:
          host: app-service
          subsets:
          - {name: primary, labels: {version: primary}}
          - {name: canary, labels: {version: canary}}
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: app-vs}
        spec:
          hosts: [app-service]
          http:
          - route:
            - {destination: {host: app-service, subset: primary}, weight: 100}
            - {destination: {host: app-service, subset: canary}, weight: 0}
        ---
        apiVersion: slipway.dev/v1
        kind: Canary
        metadata: {name: app}
        spec:
          deployment: app
          service: app-service
          virtualService: {name: app-vs}
          destinationRule: {name: app-dr, stableSubset: primary, canarySubset: canary}
          steps:
          - setWeight: 10
          - analysis: {templates: [{templateName: quick-success}]}
          - pause: {}
          analysis: {templates: [{templateName: quick-success}]}
        ---
        apiVersion: slipway.dev/v1
        kind: AnalysisTemplate
        metadata: {name: quick-success}
        spec:
          metrics:
          - name: success-rate
            interval: 100ms
            count: 3
            successCondition: result >= 0.95
            failureLimit: 1
            provider:
              local: {metric: success-rate, window: 10s}

        """

    struct Fixture {
        let repository: GitOpsRepository
        let application: Application
        let liveTarget: MemoryTarget
        let fakeMetrics: FakeMetrics
        let releaseLog: ReleaseLog
        let engine: SyncEngine
        let controller: CanaryController

        static func make(objects: String = CanaryControllerTests.objects) async throws -> Fixture {
            let repository = try await GitOpsRepository.make(
                "canary",
                files: [
                    "base/kustomization.yaml": "resources:\n- app.yaml\n", "base/app.yaml": objects,
                    "overlays/qa/kustomization.yaml": overlay("v1"),
                ])
            return try await make(repository: repository, target: MemoryTarget(), metrics: FakeMetrics())
        }

        /// A new controller and sync engine over the same repository, target, metrics and store: what a restarted
        /// `slipway gitops watch` is.
        func restarted() async throws -> Fixture {
            try await Self.make(repository: repository, target: liveTarget, metrics: fakeMetrics)
        }

        static func make(repository: GitOpsRepository, target: MemoryTarget, metrics: FakeMetrics) async throws -> Fixture {
            let root = repository.root
            let application = Application(
                name: "demo-qa", repository: repository.bare, path: "overlays/qa", namespace: "demo",
                environment: "qa", syncPolicy: .init(automated: true, prune: true, selfHeal: true))
            let log = ReleaseLog(store: try DeliveryStore(path: root + "/delivery.sqlite"))
            let controller = CanaryController(
                target: target, log: log, metrics: metrics, mesh: nil,
                revert: GitRevert(cacheRoot: root + "/writeback"), tick: .milliseconds(20))
            let engine = SyncEngine(
                target: target, revisions: GitRevisions(cacheRoot: root + "/cache-\(UUID().uuidString.prefix(8))"),
                delegate: controller, history: log, waveDelay: .milliseconds(10))
            await controller.attach(engine)
            return Fixture(
                repository: repository, application: application, liveTarget: target, fakeMetrics: metrics,
                releaseLog: log, engine: engine, controller: controller)
        }

        static func overlay(_ tag: String) -> String {
            "resources:\n- ../../base\nimages:\n- name: registry.local/app\n  newTag: \(tag)\n"
        }

        var root: String { repository.root }
        var bare: String { repository.bare }

        @discardableResult
        func push(_ path: String, _ text: String, message: String) async throws -> String {
            try await repository.push([path: text], message: message)
        }

        func release(tag: String) async throws -> String {
            try await push(
                "overlays/qa/kustomization.yaml", Self.overlay(tag),
                message: "qa: set image registry.local/app to \(tag)\n\nSlipway-Run: 42")
        }

        /// Deploys v1, pushes v2 and waits until its release waits at the gate.
        func releaseToGate() async throws {
            _ = try await engine.autoSync(application)
            _ = try await release(tag: "v2")
            _ = try await engine.autoSync(application)
            _ = try await waitFor("the gate") { $0?.waitingAtGate == true }
        }

        /// Waits (bounded) until the application's release satisfies `condition`.
        func waitFor(_ what: String, _ condition: @escaping @Sendable (Release?) -> Bool) async throws -> Release? {
            let controller = controller
            let log = releaseLog
            let application = application.name
            return try await Deadline.within(.seconds(30), what) {
                while true {
                    let current = await controller.activeRelease(of: application)
                    let latest = log.all().last { $0.application == application }
                    if condition(current ?? latest) { return current ?? latest }
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
        }

        func weights() async throws -> [Int] {
            let route = try await liveTarget.get(ObjectKey(.virtualService, namespace: "demo", name: "app-vs"))
            return (route?.value(at: ["spec", "http"])?.array?.first?["route"]?.array ?? []).compactMap { $0["weight"]?.int }
        }

        func image(_ name: String) async throws -> String? {
            try await liveTarget.get(ObjectKey(.deployment, namespace: "demo", name: name))?
                .value(at: ["spec", "template", "spec", "containers"])?.array?.first?["image"]?.string
        }

        func remove() { repository.remove() }
    }

    @Test func aGoodVersionIsPromotedAtTheGateAndABadOneRolledBack() async throws {
        let fixture = try await Fixture.make()
        defer { fixture.remove() }
        let loop = Task { try await fixture.controller.run() }
        defer { loop.cancel() }

        // First deploy: no canary, straight to the primary.
        let initial = try #require(try await fixture.engine.autoSync(fixture.application))
        #expect(initial.phase == .succeeded)
        #expect(await fixture.controller.activeRelease(of: "demo-qa") == nil)
        #expect(try await fixture.image("app") == "registry.local/app:v1")

        // A new version: the primary keeps v1, the canary gets v2 with the canary subset's labels, 90/10 once available.
        let v2 = try await fixture.release(tag: "v2")
        let sync = try #require(try await fixture.engine.autoSync(fixture.application))
        #expect(sync.message.contains("new version handed to canary release #1"))
        #expect(try await fixture.image("app") == "registry.local/app:v1")
        let gate = try await fixture.waitFor("the gate") { $0?.waitingAtGate == true }
        #expect(gate?.revision == v2 && gate?.phase == .paused)
        #expect(try await fixture.image("app-canary") == "registry.local/app:v2")
        let canary = try #require(try await fixture.liveTarget.get(ObjectKey(.deployment, namespace: "demo", name: "app-canary")))
        #expect(canary.value(at: ["spec", "template", "metadata", "labels"])?.stringMap == ["app": "app", "version": "canary"])
        #expect(canary.value(at: ["spec", "selector", "matchLabels"])?.stringMap == ["app": "app", "version": "canary"])
        #expect(try await fixture.weights() == [90, 10])
        // Git still says 100/0 and the controller owns the weights: the application is in sync, not fighting.
        #expect(try await fixture.engine.compare(fixture.application).status == .synced)
        #expect(try await fixture.engine.sync(fixture.application, trigger: .manual).changed.isEmpty)
        #expect(try await fixture.weights() == [90, 10])

        let promoted = try await fixture.controller.promote("demo-qa", by: "alice")
        #expect(promoted.waitingAtGate, "the decision is recorded for the next tick; the release it names was waiting")
        let done = try await fixture.waitFor("the promotion") { $0?.phase == .succeeded }
        #expect(done?.canarySuccessRate == 1)
        #expect(try await fixture.image("app") == "registry.local/app:v2")
        #expect(try await fixture.weights() == [100, 0])
        #expect(try await fixture.liveTarget.get(ObjectKey(.deployment, namespace: "demo", name: "app-canary")) == nil)
        #expect(try await fixture.engine.compare(fixture.application).status == .synced)
        let timeline = fixture.releaseLog.timeline(of: 1)
        let kinds = timeline.map(\.kind)
        #expect(
            kinds.first == .commit && kinds.contains(.ciRun) && kinds.contains(.measurement) && kinds.contains(.gate),
            "\(timeline.map { "\($0.kind.rawValue): \($0.summary)" }.joined(separator: "\n"))")
        #expect(timeline.contains { $0.kind == .gate && $0.detail["actor"] == "alice" })
        #expect(
            timeline.contains {
                $0.kind == .measurement && $0.detail["verdict"] == "Successful" && $0.detail["query"]?.hasPrefix("success-rate{") == true
            })

        // A bad version: the canary's success rate drops, the analysis fails, everything goes back.
        fixture.fakeMetrics.set(0.7)
        let v3 = try await fixture.release(tag: "v3")
        _ = try await fixture.engine.autoSync(fixture.application)
        let aborted = try await fixture.waitFor("the abort") { $0?.phase == .aborted }
        #expect(aborted?.revision == v3)
        #expect(aborted?.message.hasPrefix("analysis quick-success failed: metric success-rate failed 2 times (failureLimit 1)") == true)
        #expect(try await fixture.weights() == [100, 0])
        #expect(try await fixture.image("app") == "registry.local/app:v2")
        #expect(try await fixture.liveTarget.get(ObjectKey(.deployment, namespace: "demo", name: "app-canary")) == nil)
        #expect(await fixture.engine.holds(of: "demo-qa") == [v3])
        let revert = try #require(aborted?.revertRevision)
        #expect(try await fixture.engine.revisions.head(repository: fixture.bare, branch: "main") == revert)
        // The revert syncs cleanly: git asks for v2 again, which the primary runs.
        let after = try #require(try await fixture.engine.autoSync(fixture.application))
        #expect(after.revision == revert && after.phase == .succeeded && after.changed.isEmpty)
        #expect(await fixture.controller.activeRelease(of: "demo-qa") == nil)
        let badTimeline = fixture.releaseLog.timeline(of: 2)
        #expect(badTimeline.contains { $0.kind == .measurement && $0.detail["verdict"] == "Failed" && $0.detail["value"] == "0.7" })
        #expect(badTimeline.contains { $0.kind == .revert })
        #expect(badTimeline.contains { $0.kind == .sync && $0.summary.contains("revert") })
    }

    @Test func gatesAndBadStrategiesGiveClearErrorsAndLeaveTheReleaseAlone() async throws {
        let fixture = try await Fixture.make()
        defer { fixture.remove() }
        await #expect(throws: GateError.self) { try await fixture.controller.promote("demo-qa", by: "bob") }
        let refused = await #expect(throws: GateError.self) { try await fixture.controller.abort("demo-qa", by: "bob") }
        #expect(refused?.description == "application \"demo-qa\" has no release in progress")
        let loop = Task { try await fixture.controller.run() }
        defer { loop.cancel() }
        try await fixture.releaseToGate()

        // An invalid strategy and a template naming an unknown metric: the sync fails before applying anything.
        let broken = CanaryControllerTests.objects
            .replacingOccurrences(of: "  - setWeight: 10\n", with: "  - setWeight: 150\n")
            .replacingOccurrences(of: "local: {metric: success-rate, window: 10s}", with: "local: {metric: sucess-rate, window: 10s}")
        _ = try await fixture.push("base/app.yaml", broken, message: "broken strategy")
        let failed = try #require(try await fixture.engine.autoSync(fixture.application))
        #expect(failed.phase == .failed)
        #expect(failed.message.contains("spec.steps[0].setWeight: must be an integer from 0 to 100, got 150"))
        #expect(
            failed.message.contains(
                "AnalysisTemplate \"quick-success\" spec.metrics[0].provider.local.metric: unknown metric \"sucess-rate\", expected one "
                    + "of success-rate, latency-p99, requests"
            ))
        let untouched = await fixture.controller.activeRelease(of: "demo-qa")
        #expect(untouched?.waitingAtGate == true && untouched?.id == 1)
        #expect(try await fixture.weights() == [90, 10])

        // Promote when no gate waits is refused with where the release stands; abort works at any time.
        let atAbort = try await fixture.controller.abort("demo-qa", by: "carol", reason: "error budget")
        #expect(atAbort.id == 1)
        let aborted = try await fixture.waitFor("the abort") { $0?.phase == .aborted }
        #expect(aborted?.message == "aborted by carol: error budget")
        #expect(try await fixture.weights() == [100, 0])
    }

    @Test func gateDecisionsFromAnotherProcessGoThroughTheStore() async throws {
        let fixture = try await Fixture.make()
        defer { fixture.remove() }
        // What `slipway rollout` and `slipway release` do: open the same file, decide, read.
        let records = ReleaseRecords(store: try DeliveryStore(path: fixture.root + "/delivery.sqlite"))
        #expect(throws: GateError.self) { try records.decide(.promote, application: "demo-qa", actor: "dan") }
        let loop = Task { try await fixture.controller.run() }
        defer { loop.cancel() }
        try await fixture.releaseToGate()
        // The controller writes the gate to the store right after it starts waiting in memory.
        let stored = try await Deadline.within(.seconds(30), "the gate in the store") {
            while try records.active("demo-qa")?.waitingAtGate != true { try await Task.sleep(for: .milliseconds(20)) }
            return try records.active("demo-qa")
        }
        #expect(stored?.waitingAtGate == true)
        try records.decide(.promote, application: "demo-qa", actor: "dan")
        _ = try await fixture.waitFor("the promotion") { $0?.phase == .succeeded }
        let (release, events) = try #require(try records.show(1))
        #expect(release.phase == .succeeded && release.images == ["registry.local/app:v2"])
        #expect(events.contains { $0.kind == .gate && $0.detail["actor"] == "dan" })
        let text = ReleaseTimeline.render(release, events)
        #expect(text.hasPrefix("Release #1 — demo-qa (qa): Succeeded\n  registry.local/app:v1 → registry.local/app:v2"))
        #expect(text.contains("gitops-commit"))
        #expect(try records.syncs(application: "demo-qa").count == 2)
        #expect(try records.active("demo-qa") == nil)
    }

    @Test func aTimedPauseLastsItsDurationThenTheReleaseGoesOnByItself() async throws {
        // Sub-second durations count: 400ms is not rounded down to nothing.
        let timed = CanaryControllerTests.objects.replacingOccurrences(
            of: """
                  - analysis: {templates: [{templateName: quick-success}]}
                  - pause: {}
                  analysis: {templates: [{templateName: quick-success}]}
                """,
            with: """
                  - pause: {duration: 400ms}
                  - setWeight: 50
                """)
        #expect(timed != CanaryControllerTests.objects)
        let fixture = try await Fixture.make(objects: timed)
        defer { fixture.remove() }
        let loop = Task { try await fixture.controller.run() }
        defer { loop.cancel() }
        _ = try await fixture.engine.autoSync(fixture.application)
        _ = try await fixture.release(tag: "v2")
        _ = try await fixture.engine.autoSync(fixture.application)
        let done = try await fixture.waitFor("the promotion") { $0?.phase == .succeeded }
        #expect(done?.images == ["registry.local/app:v2"])
        let timeline = fixture.releaseLog.timeline(of: 1)
        let paused = try #require(timeline.first { $0.summary == "pause 400ms" })
        let fifty = try #require(timeline.first { $0.kind == .weight && $0.detail["canary"] == "50" })
        #expect(fifty.at.timeIntervalSince(paused.at) >= 0.4)
    }

    // MARK: Restarts

    /// Runs the controller's loop until `body` returns, then stops it as SIGTERM would (the lease is handed on).
    func running<T: Sendable>(_ fixture: Fixture, _ body: () async throws -> T) async throws -> T {
        let loop = Task { try await fixture.controller.run() }
        defer { loop.cancel() }
        let value = try await body()
        loop.cancel()
        _ = await loop.result
        return value
    }

    @Test func aDecisionRecordedWhileNoControllerRunsIsHonouredByTheNextOne() async throws {
        let first = try await Fixture.make()
        defer { first.remove() }
        try await running(first) { try await first.releaseToGate() }
        // No controller runs: `slipway rollout promote` records the decision.
        let records = ReleaseRecords(store: try DeliveryStore(path: first.root + "/delivery.sqlite"))
        try records.decide(.promote, application: "demo-qa", actor: "erin", reason: "checked the dashboards")
        #expect(try await first.weights() == [90, 10])

        // A new controller: its engine syncs the same head again (it must not start another release), and the
        // waiting decision promotes the release that was at the gate.
        let second = try await first.restarted()
        let sync = try await second.engine.sync(second.application, trigger: .manual)
        #expect(sync.message.contains("new version in canary release #1"), "\(sync.message)")
        try await running(second) {
            _ = try await second.waitFor("the promotion") { $0?.phase == .succeeded }
        }
        #expect(second.releaseLog.all().map(\.id) == [1], "no second release for the same revision")
        #expect(try await second.image("app") == "registry.local/app:v2")
        #expect(try await second.weights() == [100, 0])
        let timeline = second.releaseLog.timeline(of: 1)
        #expect(timeline.contains { $0.kind == .note && $0.summary.hasPrefix("resumed: taken over by a new controller") })
        #expect(timeline.contains { $0.kind == .gate && $0.summary == "promoted by erin: checked the dashboards" })
    }

    @Test func aReleaseStoredButNotYetNumberedIsReadWithItsRowsId() async throws {
        let first = try await Fixture.make()
        defer { first.remove() }
        try await running(first) { try await first.releaseToGate() }
        // A release is inserted before its id is known and updated with it next: a reader in between (or a
        // controller after a crash in between) sees detail that says id 0.
        let stored = try #require(first.releaseLog.release(1))
        var unnumbered = stored
        unnumbered.id = 0
        var row = try ReleaseLog.row(stored)
        row.detail = try ReleaseLog.row(unnumbered).detail
        try first.releaseLog.store.update(row)
        #expect(row.detail.contains("\"id\":0"), "the row holds the unnumbered detail")
        #expect(first.releaseLog.release(1)?.id == 1 && first.releaseLog.all().map(\.id) == [1])

        let second = try await first.restarted()
        _ = try ReleaseRecords(store: second.releaseLog.store).decide(.promote, application: "demo-qa", actor: "erin", reason: "ok")
        try await running(second) {
            _ = try await second.waitFor("the promotion") { $0?.phase == .succeeded }
        }
        #expect(second.releaseLog.all().map(\.id) == [1] && second.releaseLog.release(1)?.phase == .succeeded)
    }

    @Test func holdsAndMeasurementsOutliveTheController() async throws {
        let first = try await Fixture.make()
        defer { first.remove() }
        try await running(first) { try await first.releaseToGate() }
        let measured = first.releaseLog.timeline(of: 1).filter { $0.kind == .measurement }.count
        #expect(measured >= 3, "the step's analysis measured before the gate")

        // The second controller resumes at the same step with the measurements kept, then a bad version is held.
        let second = try await first.restarted()
        let resumed = try #require(second.releaseLog.release(1))
        #expect(resumed.waitingAtGate && resumed.stepIndex == 2 && resumed.canaryWeight == 10)
        first.fakeMetrics.set(0.5)
        try await running(second) {
            _ = try await second.waitFor("the abort") { $0?.phase == .aborted }
        }
        let aborted = try #require(second.releaseLog.release(1))
        #expect(aborted.message.hasPrefix("background analysis quick-success failed"), "\(aborted.message)")
        let third = try await first.restarted()
        #expect(await third.engine.holds(of: "demo-qa") == [aborted.revision])
        let listed = try ReleaseRecords(store: third.releaseLog.store).holds(application: "demo-qa")
        #expect(listed.map(\.revision) == [aborted.revision] && listed.first?.reason.hasPrefix("release #1 rolled back") == true)
        #expect(
            try third.releaseLog.store.removeHold(
                application: "demo-qa", revision: String(aborted.revision.prefix(8)), by: "frank",
                reason: "fixed upstream", at: 1) != nil)
        #expect(await third.engine.holds(of: "demo-qa").isEmpty)
    }

    @Test func onlyOneControllerWorksOnAStoreAtATime() async throws {
        let first = try await Fixture.make()
        defer { first.remove() }
        let second = try await first.restarted()
        let loop = Task { try await first.controller.run() }
        defer { loop.cancel() }
        try await first.releaseToGate()
        // The second controller's passes do nothing while the first one holds the lease and renews it.
        for _ in 0..<3 { await second.controller.pass() }
        #expect(await second.controller.activeRelease(of: "demo-qa") == nil, "the second controller waits for the lease")
        #expect(await !second.controller.holdsLease)
        let lease = try first.releaseLog.store.acquireLease(
            CanaryController.leaseName, holder: "probe", ttl: 10, now: Date().timeIntervalSince1970)
        #expect(lease.holder != "probe")
    }
}
