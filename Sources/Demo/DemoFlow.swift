import Core
import Delivery
import Foundation
import GitOps
import Manifests
import Releases
import TargetKit
import Targets

/// The demo's story, told by the real parts: a push to the application makes its server run CI (test, image build,
/// push to Slipway's registry) and, through `workflow_run`, CD (the QA overlay's image set with `kustomize edit set
/// image`, committed and pushed); the sync engine notices the GitOps commit and the canary controller releases it.
struct DemoFlow {
    let workspace: DemoWorkspace
    let registry: String
    let application: Application
    let log: ReleaseLog
    let controller: CanaryController
    let sync: SyncController
    let target: LocalTargetConnection
    let traffic: DemoTraffic
    let progress: DemoProgress
    /// The demo's server, where the application's pushes are built and its project's id there.
    let server: DemoServer
    let project: Int
    /// The GitOps token CD's checkout is given, as seed 000's `secrets.GITOPS_TOKEN`; masked in every log.
    let token = "demo-" + UUID().uuidString.lowercased()
    static let actor = "slipway up (demo)"

    struct Delivery {
        var commit: String
        var ciRun: String
        var image: String
        var digest: String
        var gitopsRevision: String
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    // MARK: CI and CD

    /// The project's settings CI and CD read: the registry to push to (`vars.REGISTRY`) and the GitOps token
    /// (`secrets.GITOPS_TOKEN`, sealed by the server and masked in every log).
    func configureProject() async throws {
        do {
            try await server.set("variables", "REGISTRY", to: registry, project: project)
            try await server.set("secrets", "GITOPS_TOKEN", to: token, project: project)
        } catch {
            throw Failure(description: "cannot configure the demo's project on its server: \(error)")
        }
    }

    /// Pushes `commit` (the clone's main) to the application's Git server: the demo's `slipway server` runs its
    /// workflows — CI (test, build, push) and, through `workflow_run`, CD (the QA overlay's image set with `kustomize
    /// edit set image`, committed and pushed) — and this answers what CI built and the GitOps commit CD made.
    func deliver(_ commit: String) async throws -> Delivery {
        await progress.say("push \(commit.prefix(8)) to main: CI (test, build, push) then CD (kustomize edit set image, commit, push)")
        let before = try? await Git(directory: workspace.gitops).run(["rev-parse", "main"])
        let finished: DemoServer.FinishedDelivery
        do {
            finished = try await server.deliver(project: project, sha: commit, timeout: .seconds(600)) { try await workspace.push() }
        } catch {
            throw Failure(description: "the push of \(commit.prefix(8)) was not delivered by the demo's server: \(error)")
        }
        return try await report(finished, commit: commit, before: before)
    }

    /// What CI built and CD committed for a delivery, said as progress; a failure names the failed jobs with their logs' end.
    func report(_ finished: DemoServer.FinishedDelivery, commit: String, before: String?) async throws -> Delivery {
        let ci = finished.runs.first { $0.workflowName == "CI - Build and Push" }
        let cd = finished.runs.first { $0.workflowName == "CD - Update GitOps" }
        guard let ci, let cd, ci.conclusion == "success", cd.conclusion == "success" else {
            var lines: [String] = []
            if finished.state == "failed" { lines.append("delivery \(finished.id) failed: \(finished.reason ?? "no reason recorded")") }
            for run in finished.runs where run.conclusion != "success" {
                for job in try await server.jobs(of: run.id) where job.conclusion == "failure" {
                    lines.append("[\(job.name)] \(job.failureReason ?? "failed")")
                    lines += try await server.logTail(run: run.id, job: job.name, count: 15).map { "  \($0)" }
                }
            }
            throw Failure(
                description:
                    "the workflows failed for \(commit.prefix(8)) (see \(server.url)/runs):\n\(lines.joined(separator: "\n"))")
        }
        let build = try await server.jobs(of: ci.id).first { $0.jobID == "build-and-push" }
        let tag = build?.outputs["image-tag"] ?? String(commit.prefix(8))
        let digest = build?.outputs["image-digest"] ?? ""
        let revision = try await Git(directory: workspace.gitops).run(["rev-parse", "main"])
        await progress.say(
            String(
                format: "CI run %d: %@ in %.1fs — pushed %@/my-app:%@ (%@) — %@/runs/%d", ci.id, ci.conclusion, ci.durationSeconds,
                registry,
                tag, String(digest.prefix(19)), server.url, ci.id))
        await progress.say(
            String(
                format: "CD run %d: %@ in %.1fs — GitOps commit %@", cd.id, cd.conclusion, cd.durationSeconds, String(revision.prefix(8))))
        guard revision != before else { throw Failure(description: "CD made no GitOps commit for \(commit.prefix(8))") }
        return Delivery(commit: commit, ciRun: String(ci.id), image: "\(registry)/my-app:\(tag)", digest: digest, gitopsRevision: revision)
    }

    // MARK: Waiting

    /// Waits until the primary Deployment runs `image` and is available.
    func waitForPrimary(image: String, timeout: Duration = .seconds(120)) async throws {
        let key = ObjectKey(.deployment, namespace: DemoWorkspace.namespace, name: "my-app")
        try await wait("my-app to run \(image)", timeout: timeout) {
            guard let live = try await target.get(key) else { return false }
            let images = (live.value(at: ["spec", "template", "spec", "containers"])?.array ?? []).compactMap { $0["image"]?.string }
            let wanted = live.value(at: ["spec", "replicas"])?.int ?? 1
            return images == [image] && HealthCheck.health(of: live)?.status == .healthy
                && (live.value(at: ["status", "updatedReplicas"])?.int ?? 0) == wanted
                && (live.value(at: ["status", "availableReplicas"])?.int ?? 0) >= wanted
        }
    }

    /// The release the sync of `revision` started.
    func release(for revision: String, timeout: Duration = .seconds(60)) async throws -> Release {
        var found: Release?
        try await wait("a release of GitOps revision \(revision.prefix(8))", timeout: timeout) {
            found = await log.all().last { $0.revision == revision }
            return found != nil
        }
        guard let found else { throw Failure(description: "no release of \(revision.prefix(8))") }
        return found
    }

    func waitUntil(_ release: Int64, timeout: Duration, _ condition: @escaping @Sendable (Release) -> Bool) async throws -> Release {
        var latest: Release?
        try await wait("release #\(release)", timeout: timeout) {
            latest = await log.release(release)
            return latest.map(condition) ?? false
        }
        guard let latest else { throw Failure(description: "release #\(release) disappeared") }
        return latest
    }

    func wait(_ what: String, timeout: Duration, _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if (try? await condition()) == true { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw Failure(description: "timed out after \(Int(timeout.seconds)) s waiting for \(what)")
    }

    // MARK: The story

    /// A new workspace starts from an empty namespace: objects an earlier workspace left on the target would turn
    /// the first deployment into a canary of a version nobody can see.
    func clearLeftovers() async throws {
        var removed = 0
        for kind in [ObjectKind.deployment, .virtualService, .destinationRule, .service, .configMap] {
            for object in try await target.list(kind, namespace: DemoWorkspace.namespace) {
                guard let name = object.value(at: ["metadata", "name"])?.string else { continue }
                if try await target.delete(ObjectKey(kind, namespace: DemoWorkspace.namespace, name: name)) { removed += 1 }
            }
        }
        if removed > 0 {
            await progress.say("removed \(removed) objects an earlier workspace left in namespace \(DemoWorkspace.namespace)")
        }
    }

    /// First deployment: no primary yet, so the version is applied as is (no canary, as in Argo Rollouts).
    func bootstrap() async throws {
        var commit = try await Git(directory: workspace.app).run(["rev-parse", "HEAD"])
        if await workspace.originHasHead() {
            // Pushed before without a deployment coming of it (an earlier run stopped): a new commit builds it again.
            commit = try await workspace.commitApplication([:], message: "build again (slipway up)")
        }
        let delivery = try await deliver(commit)
        await sync.replaceApplications([application])
        try await waitForPrimary(image: delivery.image)
        await progress.say("my-app runs \(delivery.image) (first deployment: applied directly, no canary)")
    }

    /// Commits a new `app.conf`, delivers it through CI and CD, and answers the release its GitOps commit started.
    func startRelease(number: Int, errorPercent: Int, message: String) async throws -> (Delivery, Release) {
        let commit = try await workspace.commitApplication(
            ["app.conf": DemoResources.appConfig(greeting: "Hello from my-app, release \(number)", errorPercent: errorPercent)],
            message: message)
        // CI tags the image with the commit's short SHA: its answers count as the canary's from the first one on (the
        // sync may start the canary before the delivery's end reaches the demo).
        await traffic.underCanary(String(commit.prefix(8)))
        let delivery = try await deliver(commit)
        await traffic.underCanary(Self.tag(of: delivery.image))
        let started = try await release(for: delivery.gitopsRevision)
        await progress.say("release #\(started.id): \(started.previousImages.joined()) → \(started.images.joined()) as a canary")
        return (delivery, started)
    }

    static func tag(of image: String) -> String { String(image.split(separator: ":").last ?? "") }

    /// A reused workspace: the QA application joins the sync controller, and users' traffic waits until the primary
    /// runs what git names (after a reset of the local target, the sync deploys it first).
    func resume() async throws {
        let key = ObjectKey(.deployment, namespace: DemoWorkspace.namespace, name: "my-app")
        if try await target.get(key) == nil { await progress.say("the GitOps repository already names an image: syncing it") }
        await sync.replaceApplications([application])
        var image: String?
        try await wait("my-app to be deployed", timeout: .seconds(120)) {
            image = try await target.get(key)?.value(at: ["spec", "template", "spec", "containers"])?.array?.first?["image"]?.string
            return image != nil
        }
        if let image { try await waitForPrimary(image: image) }
    }

    /// A commit whose new version is healthy: canary at 10 %, analysis, the manual gate, promotion.
    func goodRelease(number: Int) async throws -> Release {
        let (delivery, started) = try await startRelease(number: number, errorPercent: 0, message: "greeting: release \(number)")
        let gate = try await waitUntil(started.id, timeout: .seconds(150)) { $0.waitingAtGate || $0.phase.isFinal }
        guard gate.waitingAtGate else { return gate }
        await progress.say(
            "release #\(started.id) waits at its gate; promoting as \"\(Self.actor)\" (what `slipway rollout promote "
                + "\(application.name)` does)"
        )
        _ = try await controller.promote(application.name, by: Self.actor)
        let finished = try await waitUntil(started.id, timeout: .seconds(120)) { $0.phase.isFinal }
        if finished.phase == .succeeded {
            try await waitForPrimary(image: delivery.image)
            await traffic.promoted(Self.tag(of: delivery.image))
        }
        return finished
    }

    /// A commit whose new version answers 30 % of requests with errors: the analysis fails, the release aborts,
    /// traffic returns to the primary and the GitOps commit is reverted.
    func badRelease(number: Int) async throws -> Release {
        let (_, started) = try await startRelease(
            number: number, errorPercent: 30, message: "greeting: release \(number) (with a bug: 30 % of requests fail)")
        let finished = try await waitUntil(started.id, timeout: .seconds(150)) { $0.phase.isFinal || $0.waitingAtGate }
        if finished.waitingAtGate {
            // Analysis did not catch it: a person would; the demo reports it as a failure below.
            _ = try? await controller.abort(application.name, by: Self.actor)
            return try await waitUntil(started.id, timeout: .seconds(60)) { $0.phase.isFinal }
        }
        if finished.phase == .aborted {
            // The revert's sync: git is back at the previous version, which the primary never stopped running.
            try await wait("the revert to be synced", timeout: .seconds(60)) {
                guard let revert = await log.release(started.id)?.revertRevision else { return false }
                return await log.records(application: application.name, limit: 50).contains {
                    $0.revision == revert && $0.phase == .succeeded
                }
            }
        }
        return await log.release(started.id) ?? finished
    }
}
