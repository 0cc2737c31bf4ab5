import Core
import Foundation
import GitOps
import Releases
import Runner
import Store
import Workflows

/// Promotion of what was verified, Kargo-style: the image digests a release's canary ran in one environment are
/// written into the next environment's overlay (never a rebuild, never a tag lookup) by one GitOps commit naming the
/// source release, after the target environment's reviewers and wait timer — the same reviews jobs wait for, recorded
/// as a run (`slipway approve RUN --environment ENV`). The promotion is recorded so the release that commit starts
/// is linked to its source.
public struct Promoter: Sendable {
    public let records: ReleaseRecords
    public var writeBack = ImageWriteBack()

    public init(records: ReleaseRecords) { self.records = records }

    /// A promotion checked and ready to wait for its approvals: where from, where to, which release and digests.
    public struct Plan: Sendable {
        public var request: PromotionRequest
        public var source: Application
        public var target: Application
        public var release: Release
        /// The target environment's rules (nil: it declares none).
        public var rules: DeploymentEnvironment?
    }

    /// Promotes as `slipway promote` does: `slipway.yaml` and the run store of the request's repository.
    public func promote(_ request: PromotionRequest, say: @escaping @Sendable (String) -> Void) async throws -> PromotionOutcome {
        let file = request.repositoryRoot + "/slipway.yaml"
        let applications: [Application]
        let environments: EnvironmentConfig
        do {
            applications = try ApplicationConfig.load(file: file).applications
            environments = try EnvironmentConfig.load(file: file)
        } catch {
            throw PromotionError.configuration(error.description)
        }
        let plan = try self.plan(request, applications: applications, environments: environments, file: file)
        let runs = try RunStore(path: RunStore.path(forRepository: request.repositoryRoot))
        let runId = try begin(plan, runs: runs)
        return try await carryOut(plan, runId: runId, runs: runs, reviews: RunStoreDeploymentReviews { runs }, say: say)
    }

    /// Checks a promotion: the applications of both environments, a source release that succeeded and the digests it
    /// verified. Nothing is written.
    public func plan(
        _ request: PromotionRequest, applications: [Application], environments: EnvironmentConfig, file: String
    ) throws -> Plan {
        let order = environments.environments.map(\.name)
        let sourceEnvironment: String
        if let given = request.source {
            sourceEnvironment = given
        } else {
            guard let index = order.firstIndex(where: { $0.lowercased() == request.target.lowercased() }) else {
                throw PromotionError.configuration("\(file) declares no environment \(request.target)")
            }
            guard index > 0 else { throw PromotionError.firstEnvironment(request.target) }
            sourceEnvironment = order[index - 1]
        }
        let source = try Self.application(request.application, environment: sourceEnvironment, in: applications, file: file)
        let target = try Self.application(request.application, environment: request.target, in: applications, file: file)
        let release = try sourceRelease(request, application: source.name)
        guard release.phase == .succeeded else {
            throw PromotionError.notVerified(
                id: release.id, application: source.name, phase: release.phase.rawValue, message: release.message)
        }
        guard !release.verifiedDigests.isEmpty else { throw PromotionError.noDigests(id: release.id) }
        return Plan(request: request, source: source, target: target, release: release, rules: environments.environment(request.target))
    }

    /// Records the promotion as a run (of `projectId`, on a server); answers its id.
    public func begin(_ plan: Plan, runs: RunStore, projectId: Int64? = nil) throws -> Int64 {
        var run = RunStore.Run(
            workflowPath: "slipway promote", workflowName: "promote \(plan.request.application) to \(plan.request.target)",
            event: "promotion", ref: "release/\(plan.release.id)", sha: plan.release.revision, result: "", startedAt: Date(), duration: 0,
            projectId: projectId)
        run.actor = plan.request.actor
        return try runs.begin(run)
    }

    /// Waits for the target environment's reviewers and wait timer, then commits the digests and records the
    /// promotion; the run records every step and how it ended.
    public func carryOut(
        _ plan: Plan, runId: Int64, runs: RunStore, reviews: any DeploymentReviews, say: @escaping @Sendable (String) -> Void
    ) async throws -> PromotionOutcome {
        let (request, source, target, release) = (plan.request, plan.source, plan.target, plan.release)
        say("promoting release #\(release.id) of \(source.name): \(release.verifiedDigests.joined(separator: ", "))")
        let started = Date()
        var log: [String] = []
        func finish(_ result: String, _ reason: String?) {
            let job = RunStore.Job(
                runId: runId, jobId: "promote", name: "promote", result: result, startedAt: started,
                duration: Date().timeIntervalSince(started), outputs: "{}", steps: "[]", failureReason: reason,
                log: log.joined(separator: "\n"))
            try? runs.finish(runId, result: result, duration: Date().timeIntervalSince(started), jobs: [job])
        }

        if let rules = plan.rules, rules.needsReview || rules.waitTimerMinutes > 0 {
            let line =
                "promotion run \(runId) waits for environment \(rules.name)"
                + (rules.needsReview ? ": slipway approve \(runId) --environment \(rules.name)" : " (wait timer)")
            log.append(line)
            say(line)
            let decision = await reviews.awaitDecision(
                DeploymentRequest(
                    runRecordID: runId, jobID: "promote", jobName: "promote", environment: rules, actor: request.actor,
                    waitUntil: started.addingTimeInterval(rules.waitTimerMinutes * 60)))
            switch decision {
            case .approved(let reviewers):
                if !reviewers.isEmpty {
                    log.append("approved by \(reviewers.joined(separator: ", "))")
                    say("approved by \(reviewers.joined(separator: ", "))")
                }
            case .rejected(let reviewer, let comment):
                let reason = "The promotion to \(rules.name) was rejected by \(reviewer)" + (comment.map { ": \($0)" } ?? "") + "."
                log.append(reason)
                finish("failure", reason)
                throw PromotionError.notApproved(reason)
            case .ended(let reason):
                log.append(reason)
                finish(Task.isCancelled ? "cancelled" : "failure", reason)
                throw PromotionError.notApproved(reason)
            }
        }

        let outcome: ImageWriteBack.Outcome
        do {
            var write = ImageWriteBack.Request(
                repository: target.repository, branch: target.branch, path: target.path, images: release.verifiedDigests,
                environment: target.environment, runID: String(runId))
            write.note =
                "Promoted from release #\(release.id) of \(source.name) (\(source.environment)), whose canary verified "
                + release.verifiedDigests.joined(separator: ", ") + " at GitOps commit \(release.revision.prefix(12))."
            write.trailers = ["Slipway-Promoted-From: release \(release.id)", "Slipway-Promoted-By: \(request.actor)"]
            outcome = try await writeBack.apply(write)
        } catch {
            log.append("\(error)")
            finish("failure", "\(error)")
            throw PromotionError.writeBack("\(error)")
        }
        var revision: String?
        if case .committed(let sha, _, _) = outcome { revision = sha }
        if let revision {
            try records.store.record(
                PromotionRow(
                    application: target.name, environment: target.environment, sourceReleaseId: release.id, sourceApplication: source.name,
                    digests: release.verifiedDigests.joined(separator: " "), revision: revision, actor: request.actor,
                    at: Date().timeIntervalSince1970))
            log.append("committed \(revision) to \(target.path) on \(target.branch)")
            say("committed \(revision.prefix(12)) to \(target.path): \(target.name) syncs it")
        } else {
            log.append("\(target.path) already runs these digests: nothing to commit")
            say("\(target.path) already has these digests: nothing to commit")
        }
        finish("success", nil)
        return PromotionOutcome(
            sourceReleaseId: release.id, sourceApplication: source.name, targetApplication: target.name, digests: release.verifiedDigests,
            revision: revision, runId: runId)
    }

    func sourceRelease(_ request: PromotionRequest, application: String) throws -> Release {
        if let id = request.releaseId {
            guard let (release, _) = try records.show(id) else { throw PromotionError.noRelease(application: application) }
            guard release.application == application else {
                throw PromotionError.wrongRelease(id: id, application: release.application, expected: application)
            }
            return release
        }
        guard let latest = try records.list(application: application, limit: 1).first else {
            throw PromotionError.noRelease(application: application)
        }
        return latest
    }

    /// The application of `name` in `environment`: named `name` or `name-environment`, declaring that environment.
    static func application(_ name: String, environment: String, in applications: [Application], file: String) throws -> Application {
        let candidates = applications.filter {
            $0.environment.lowercased() == environment.lowercased() && ($0.name == name || $0.name == "\(name)-\(environment.lowercased())")
        }
        guard candidates.count == 1, let only = candidates.first else {
            throw PromotionError.noApplication(application: name, environment: environment, file: file)
        }
        return only
    }
}
