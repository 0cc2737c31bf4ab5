import Core
import Foundation
import Manifests
import SlipwayTesting
import TargetKit
import Testing

@testable import GitOps

/// The sync engine against real git repositories and an in-memory target.
@Suite struct SyncEngineTests {
    struct Fixture {
        let repository: GitOpsRepository
        let application: Application

        static let base = """
            apiVersion: kustomize.config.k8s.io/v1beta1
            kind: Kustomization
            resources:
            - app.yaml

            """
        static let app = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: app
            spec:
              replicas: 2
              selector:
                matchLabels: {app: app}
              template:
                metadata:
                  labels: {app: app}
                spec:
                  containers:
                  - name: app
                    image: registry.local/app:v1
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: app-service
            spec:
              selector: {app: app}
              ports:
              - port: 80
                targetPort: 8080
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: settings
              annotations:
                argocd.argoproj.io/sync-wave: "-1"
            data:
              mode: fast

            """

        static func make(selfHeal: Bool = true) async throws -> Fixture {
            let repository = try await GitOpsRepository.make(
                "sync",
                files: [
                    "base/kustomization.yaml": base, "base/app.yaml": app, "overlays/qa/kustomization.yaml": overlay("v1"),
                ])
            let application = Application(
                name: "demo-qa", repository: repository.bare, path: "overlays/qa", namespace: "demo",
                environment: "qa", syncPolicy: .init(automated: true, prune: true, selfHeal: selfHeal))
            return Fixture(repository: repository, application: application)
        }

        static func overlay(_ tag: String) -> String {
            "resources:\n- ../../base\nimages:\n- name: registry.local/app\n  newTag: \(tag)\n"
        }

        var root: String { repository.root }
        var bare: String { repository.bare }
        var work: String { repository.work }

        func setTag(_ tag: String) async throws -> String {
            try await repository.push(
                ["overlays/qa/kustomization.yaml": Self.overlay(tag)], message: "qa: set image registry.local/app to \(tag)")
        }

        func engine(_ target: MemoryTarget, history: InMemorySyncHistory = InMemorySyncHistory()) -> SyncEngine {
            SyncEngine(target: target, revisions: GitRevisions(cacheRoot: root + "/cache"), history: history, waveDelay: .milliseconds(10))
        }

        func remove() { repository.remove() }
    }

    static let deployment = ObjectKey(.deployment, namespace: "demo", name: "app")
    static let settings = ObjectKey(.configMap, namespace: "demo", name: "settings")

    func image(_ object: ManifestValue?) -> String? {
        object?.value(at: ["spec", "template", "spec", "containers"])?.array?.first?["image"]?.string
    }

    @Test func syncsInOrderThenIsInSyncThenFollowsNewCommits() async throws {
        let fixture = try await Fixture.make()
        defer { fixture.remove() }
        let target = MemoryTarget()
        let history = InMemorySyncHistory()
        let engine = fixture.engine(target, history: history)

        let first = try #require(try await engine.autoSync(fixture.application))
        #expect(first.phase == .succeeded && first.trigger == .commit)
        #expect(
            first.changed.map { "\($0.action.rawValue) \($0.key)" } == [
                "created configmap/settings", "created service/app-service", "created deployment.apps/app",
            ])
        #expect(first.health.status == .healthy)
        // The namespace was created first (CreateNamespace), then the waves: -1 (ConfigMap), 0 (Service, Deployment).
        #expect(
            await target.applies.map { $0.keys.map(\.description) } == [
                ["namespace/demo"], ["configmap/settings"], ["service/app-service", "deployment.apps/app"],
            ])
        #expect(await target.applies.allSatisfy { $0.manager == "slipway-sync" })
        let live = try #require(try await target.get(Self.deployment))
        #expect(live.value(at: ["metadata", "annotations", "slipway.dev/tracking-id"])?.string == "demo-qa:apps/Deployment:demo/app")
        #expect(image(live) == "registry.local/app:v1")

        // Nothing new: auto-sync does nothing; a manual sync finds everything in sync.
        #expect(try await engine.autoSync(fixture.application) == nil)
        #expect(try await engine.compare(fixture.application).status == .synced)
        let again = try await engine.sync(fixture.application, trigger: .manual)
        #expect(again.changed.isEmpty && again.message == "already in sync")

        let v2 = try await fixture.setTag("v2")
        let second = try #require(try await engine.autoSync(fixture.application))
        #expect(second.revision == v2)
        #expect(second.changed.map { "\($0.action.rawValue) \($0.key)" } == ["configured deployment.apps/app"])
        #expect(image(try await target.get(Self.deployment)) == "registry.local/app:v2")
        #expect(await history.records(application: "demo-qa", limit: 10).count == 3)
    }

    /// The kept status pages read: nothing before the first comparison, the head's sync status and health after one, a
    /// sync marks it stale, another revision's comparison leaves it alone, a failed comparison says why.
    @Test func theKeptStatusFollowsComparisonsAndSyncs() async throws {
        let fixture = try await Fixture.make(selfHeal: false)
        defer { fixture.remove() }
        let engine = fixture.engine(MemoryTarget())
        #expect(await engine.status(of: "demo-qa") == nil)
        let v1 = try await engine.compare(fixture.application)
        let before = try #require(await engine.status(of: "demo-qa"))
        #expect(before.sync == .outOfSync && before.health.status == .missing && before.revision == v1.revision && !before.stale)
        _ = try await engine.sync(fixture.application, trigger: .manual)
        #expect(await engine.status(of: "demo-qa")?.stale == true, "a sync makes the kept status stale")
        _ = try await engine.compare(fixture.application)
        let after = try #require(await engine.status(of: "demo-qa"))
        #expect(after.sync == .synced && after.health.status == .healthy && !after.stale)
        let v2 = try await fixture.setTag("v2")
        _ = try await engine.compare(fixture.application, revision: v1.revision)
        #expect(await engine.status(of: "demo-qa")?.revision == v1.revision, "another revision's comparison is not the status")
        #expect(try await engine.compare(fixture.application).revision == v2)
        #expect(await engine.status(of: "demo-qa")?.sync == .outOfSync)
        await engine.invalidateStatus(of: "demo-qa")
        #expect(await engine.status(of: "demo-qa")?.stale == true)
        var broken = fixture.application
        broken.path = "overlays/missing"
        await #expect(throws: (any Error).self) { try await engine.compare(broken) }
        let failed = try #require(await engine.status(of: "demo-qa"))
        #expect(failed.sync == nil && failed.problem?.contains("overlays/missing") == true, "\(failed)")
    }

    @Test func aKeptStatusIsComparedAgainWhenMissingStaleOrOld() {
        let now = Date()
        let fresh = ApplicationStatus(at: now.addingTimeInterval(-5), revision: "a", sync: .synced, health: Health(.healthy))
        var stale = fresh
        stale.stale = true
        let old = ApplicationStatus(at: now.addingTimeInterval(-31), revision: "a", sync: .synced, health: Health(.healthy))
        let rows: [(ApplicationStatus?, Bool)] = [(nil, true), (fresh, false), (stale, true), (old, true)]
        for (status, expected) in rows {
            #expect(ApplicationStatus.needsRefresh(status, olderThan: 30, now: now) == expected, "\(String(describing: status))")
        }
    }

    @Test func prunesInReverseOrderAndHealsDrift() async throws {
        let fixture = try await Fixture.make()
        defer { fixture.remove() }
        let target = MemoryTarget()
        let engine = fixture.engine(target)
        _ = try await engine.autoSync(fixture.application)

        // Drift: someone scales the Deployment by hand; self-heal puts it back.
        await target.mutate(Self.deployment) { $0.set(.int(7), at: ["spec", "replicas"]) }
        let comparison = try await engine.compare(fixture.application)
        #expect(comparison.status == .outOfSync)
        #expect(comparison.resources.first { $0.key == Self.deployment }?.differences == [".spec.replicas: desired 2, live 7"])
        let healed = try #require(try await engine.autoSync(fixture.application))
        #expect(healed.trigger == .selfHeal)
        #expect(try await target.get(Self.deployment)?.value(at: ["spec", "replicas"])?.int == 2)

        // The ConfigMap leaves git: pruned.
        try await fixture.repository.push(
            ["base/app.yaml": Fixture.app.components(separatedBy: "---\n").prefix(2).joined(separator: "---\n")],
            message: "drop settings")
        let pruned = try #require(try await engine.autoSync(fixture.application))
        #expect(pruned.changed.map { "\($0.action.rawValue) \($0.key)" } == ["pruned configmap/settings"])
        #expect(try await target.get(Self.settings) == nil)
        #expect(await engine.inventory(of: "demo-qa") == [Self.deployment, ObjectKey(.service, namespace: "demo", name: "app-service")])
    }

    @Test func aBrokenCommitFailsTheSyncAndChangesNothing() async throws {
        let fixture = try await Fixture.make()
        defer { fixture.remove() }
        let target = MemoryTarget()
        let engine = fixture.engine(target)
        _ = try await engine.autoSync(fixture.application)
        let before = await target.applies.count
        let broken = try await fixture.repository.push(
            [
                "overlays/qa/kustomization.yaml":
                    "resources:\n- ../../base\nimages:\n- name: registry.local/app\n  newTag: v3\n  colour: red\n"
            ],
            message: "typo")
        let record = try #require(try await engine.autoSync(fixture.application))
        #expect(record.phase == .failed)
        #expect(record.message.hasPrefix("revision \(broken.prefix(12)) does not render (overlays/qa): "))
        #expect(record.message.contains("overlays/qa/kustomization.yaml"))
        #expect(record.message.contains("colour"))
        #expect(await target.applies.count == before)
        #expect(image(try await target.get(Self.deployment)) == "registry.local/app:v1")
        // Tried once: auto-sync does not retry the same broken revision.
        #expect(try await engine.autoSync(fixture.application) == nil)
    }

    /// An alias bomb pushed to the repository (1.4 KB expanding to about 600 MB of text) fails that sync, naming the
    /// file, within seconds and without exhausting memory; the controller then syncs the next good commit.
    @Test(.timeLimit(.minutes(3))) func anAliasBombFailsItsSyncAndTheNextCommitSyncs() async throws {
        let fixture = try await Fixture.make()
        defer { fixture.remove() }
        let target = MemoryTarget()
        let engine = fixture.engine(target)
        _ = try await engine.autoSync(fixture.application)
        var bomb = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bomb\ndata:\n  a0: &a0 \(String(repeating: "x", count: 1000))\n"
        for level in 1...6 {
            bomb += "  a\(level): &a\(level) [\(Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ","))]\n"
        }
        _ = try await fixture.repository.push(
            ["base/bomb.yaml": bomb, "base/kustomization.yaml": Fixture.base + "- bomb.yaml\n"], message: "bomb")
        let record = try #require(try await engine.autoSync(fixture.application))
        #expect(record.phase == .failed)
        #expect(record.message.contains("base/bomb.yaml") && record.message.contains("too many aliases"), "\(record.message)")
        #expect(await engine.inventory(of: "demo-qa").count == 3)
        _ = try await fixture.repository.push(["base/kustomization.yaml": Fixture.base], message: "remove the bomb")
        _ = try await fixture.setTag("v4")
        let recovered = try #require(try await engine.autoSync(fixture.application))
        #expect(recovered.phase == .succeeded, "\(recovered.message)")
        #expect(image(try await target.get(Self.deployment)) == "registry.local/app:v4")
    }

    @Test func rollbackRevertsTheCommitAndHoldsTheRevision() async throws {
        let fixture = try await Fixture.make()
        defer { fixture.remove() }
        let target = MemoryTarget()
        let engine = fixture.engine(target)
        _ = try await engine.autoSync(fixture.application)
        let bad = try await fixture.setTag("v2-bad")
        _ = try await engine.autoSync(fixture.application)
        #expect(image(try await target.get(Self.deployment)) == "registry.local/app:v2-bad")

        await engine.hold("demo-qa", revision: bad)
        let reverting = GitRevert(cacheRoot: fixture.root + "/writeback")
        let first = try await reverting.revert(
            repository: fixture.bare, branch: "main", revision: bad, reason: "Slipway-Release: 1 (canary failed)",
            key: "release-key-1")
        #expect(!first.alreadyPushed)
        let revert = first.revision
        let head = try await engine.revisions.head(repository: fixture.bare, branch: "main")
        #expect(head == revert)
        // Asked again with the same key (a controller restarted before it recorded the revert): the same commit, not a second.
        let again = try await GitRevert(cacheRoot: fixture.root + "/writeback-other").revert(
            repository: fixture.bare, branch: "main", revision: bad, reason: "Slipway-Release: 1 (canary failed)", key: "release-key-1")
        #expect(again == GitRevert.Outcome(revision: revert, alreadyPushed: true))
        #expect(try await engine.revisions.head(repository: fixture.bare, branch: "main") == revert)
        let message = try await Git(directory: fixture.bare).run(["log", "-1", "--format=%B", "main"])
        #expect(message.hasPrefix("Revert \"qa: set image registry.local/app to v2-bad\""))
        #expect(message.contains("This reverts commit \(bad)."))
        let synced = try #require(try await engine.autoSync(fixture.application))
        #expect(synced.revision == revert)
        #expect(image(try await target.get(Self.deployment)) == "registry.local/app:v1")
        #expect(await engine.holds(of: "demo-qa") == [bad])

        // A revision on hold is never auto-synced, even when the branch points at it again.
        try await Git(directory: fixture.work).run(["push", "--quiet", "--force", "bare", "\(bad):refs/heads/main"])
        #expect(try await engine.autoSync(fixture.application) == nil)
    }

    @Test func theControllerNoticesAPushAtOnce() async throws {
        let fixture = try await Fixture.make()
        defer { fixture.remove() }
        let target = MemoryTarget()
        let engine = fixture.engine(target)
        // The 60 s poll is out of the picture: only watching the ref can notice the push.
        let controller = SyncController(
            engine: engine, applications: [fixture.application], watchInterval: .milliseconds(50),
            pollInterval: .seconds(3600))
        let records = await controller.records()
        let service = Task { try await controller.run() }
        defer { service.cancel() }
        let seen = Collected()
        let collector = Task { for await record in records { await seen.add(record) } }
        defer { collector.cancel() }
        let initial = try await Deadline.within(.seconds(30), "the first sync") { await seen.waitFor(count: 1) }
        let first = try await engine.revisions.head(repository: fixture.bare, branch: "main")
        #expect(initial.phase == .succeeded && initial.revision == first)
        let v2 = try await fixture.setTag("v2")
        let next = try await Deadline.within(.seconds(30), "the sync of the pushed commit") { await seen.waitFor(count: 2) }
        #expect(next.revision == v2 && next.trigger == .commit)
    }
}

/// Sync records as they arrive, for a test to wait on (woken by each arrival, not polled).
actor Collected {
    var records: [SyncRecord] = []
    private var waiters: [(count: Int, continuation: CheckedContinuation<SyncRecord, Never>)] = []

    func add(_ record: SyncRecord) {
        records.append(record)
        let ready = waiters.filter { $0.count <= records.count }
        waiters.removeAll { $0.count <= records.count }
        for waiter in ready { waiter.continuation.resume(returning: records[waiter.count - 1]) }
    }

    /// The `count`-th record, once there.
    func waitFor(count: Int) async -> SyncRecord {
        if records.count >= count { return records[count - 1] }
        return await withCheckedContinuation { waiters.append((count, $0)) }
    }
}
