import Delivery
import Foundation
import Runner
import SlipwayTesting
import Testing
import Workflows

@testable import Store

/// Reviews of deployments in the run store: the state they make (a table), the rules a review is checked against
/// (reviewers, self-review, once each), and a waiting job that learns the decision through the store.
@Suite struct DeploymentReviewTests {
    static func review(_ user: String, _ approved: Bool) -> DeploymentReview {
        DeploymentReview(deploymentId: 1, user: user, state: approved ? DeploymentReview.approved : DeploymentReview.rejected, comment: nil)
    }

    @Test(
        arguments: [
            ([], 1, DeploymentState.waiting),
            ([("alice", true)], 1, .approved),
            ([("alice", true)], 2, .waiting),
            ([("alice", true), ("alice", true)], 2, .waiting),
            ([("alice", true), ("bob", true)], 2, .approved),
            ([("alice", true), ("bob", false)], 2, .rejected),
            ([("bob", false)], 1, .rejected),
            ([], 0, .approved),
        ] as [([(String, Bool)], Int, DeploymentState)])
    func reviewsDecideAsATable(_ given: [(String, Bool)], _ required: Int, _ expected: DeploymentState) {
        #expect(DeploymentState.decided(by: given.map { Self.review($0.0, $0.1) }, required: required) == expected)
    }

    @Test(arguments: DeploymentState.allCases)
    func onlyAWaitingDeploymentChanges(_ state: DeploymentState) {
        let next = state.reviewed(by: [Self.review("alice", true)], required: 1)
        #expect(next == (state == .waiting ? .approved : state))
    }

    static func store() throws -> (RunStore, Int64, String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-reviews-\(UUID().uuidString)").path
        let store = try RunStore(path: directory + "/slipway.sqlite")
        var run = RunStore.Run(
            workflowPath: "w.yml", workflowName: "w", event: "push", ref: "refs/tags/v1", sha: "", result: "", startedAt: Date(),
            duration: 0)
        run.actor = "alice"
        return (store, try store.begin(run), directory)
    }

    @Test func reviewsAreCheckedAgainstTheRulesTheDeploymentWasOpenedWith() throws {
        let (store, runId, directory) = try Self.store()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let deployment = try store.open(
            Deployment(
                runId: runId, jobId: "deploy", jobName: "deploy", environment: "prod", reviewers: ["alice", "bob", "carol", "role:admin"],
                approvalsRequired: 2, preventSelfReview: true, actor: "alice", waitUntil: Date()))
        #expect(try store.run(runId)?.status == RunStore.Run.Status.waiting)
        #expect(throws: DeploymentReviewError.selfReview(user: "alice", run: runId, environment: "prod")) {
            try store.review(run: runId, environment: "prod", user: "alice", approve: true, comment: nil)
        }
        #expect(
            throws: DeploymentReviewError.notReviewer(
                user: "dave", environment: "prod", reviewers: ["alice", "bob", "carol", "role:admin"])
        ) {
            try store.review(run: runId, environment: "prod", user: "dave", approve: true, comment: nil)
        }
        #expect(throws: DeploymentReviewError.notWaiting(run: runId, environment: "qa", waiting: ["prod"])) {
            try store.review(run: runId, environment: "qa", user: "bob", approve: true, comment: nil)
        }
        #expect(throws: DeploymentReviewError.noRun(runId + 1)) {
            try store.review(run: runId + 1, environment: "prod", user: "bob", approve: true, comment: nil)
        }
        #expect(try store.review(run: runId, environment: "PROD", user: "bob", approve: true, comment: "ok").map(\.state) == [.waiting])
        #expect(throws: DeploymentReviewError.alreadyReviewed(user: "bob", environment: "prod", run: runId, state: "approved")) {
            try store.review(run: runId, environment: "prod", user: "bob", approve: true, comment: nil)
        }
        // A role admits whoever holds it.
        #expect(
            try store.review(run: runId, environment: "prod", user: "erin", roles: ["admin"], approve: true, comment: nil).map(\.state) == [
                .approved
            ])
        #expect(try store.reviews(ofDeployment: deployment).map(\.user) == ["bob", "erin"])
        #expect(throws: DeploymentReviewError.notWaiting(run: runId, environment: "prod", waiting: [])) {
            try store.review(run: runId, environment: "prod", user: "carol", approve: false, comment: nil)
        }
        try store.settle(deployment, as: .approved)
        #expect(try store.run(runId)?.status == RunStore.Run.Status.inProgress, "nothing of the run waits any more")
    }

    @Test func aWaitingJobLearnsTheDecisionThroughTheStore() async throws {
        let (store, runId, directory) = try Self.store()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let reviews = RunStoreDeploymentReviews { store }
        let environment = DeploymentEnvironment(name: "pre", reviewers: ["bob"], approvals: 1)
        let request = DeploymentRequest(
            runRecordID: runId, jobID: "d", jobName: "d", environment: environment, actor: "alice", waitUntil: Date())
        let waiting = Task { await reviews.awaitDecision(request) }
        // The deployment appears once the job waits; the reviewer answers from "another process" (the same store).
        try await Deadline.within(.seconds(30), "the deployment to be opened") {
            while try store.deployments(ofRun: runId).isEmpty { try await Task.sleep(for: .milliseconds(20)) }
        }
        _ = try store.review(run: runId, environment: "pre", user: "bob", approve: false, comment: "not today")
        let decision = try await Deadline.within(.seconds(30), "the decision") { await waiting.value }
        #expect(decision == .rejected(by: "bob", comment: "not today"))
        #expect(try store.deployments(ofRun: runId).map(\.state) == [.rejected])
    }

    @Test func aRunWhoseProcessDiedIsEndedWithAReason() throws {
        let (store, runId, directory) = try Self.store()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try store.open(
            Deployment(
                runId: runId, jobId: "d", jobName: "d", environment: "pre", reviewers: ["bob"], approvalsRequired: 1,
                preventSelfReview: false, actor: "alice", waitUntil: Date()))
        #expect(try store.endRunsOfDeadProcesses().isEmpty, "this process still runs")
        // A run recorded by a process that has ended: a child that exited.
        var orphan = RunStore.Run(
            workflowPath: "w.yml", workflowName: "w", event: "push", ref: "r", sha: "", result: "", startedAt: Date(), duration: 0)
        orphan.actor = "alice"
        let orphanId = try store.begin(orphan)
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/true")
        try child.run()
        child.waitUntilExit()
        _ = try store.database.write { db in
            try db.query("UPDATE run SET pid = ?, processStart = NULL WHERE id = ?", Int64(child.processIdentifier), orphanId)
        }
        _ = try store.open(
            Deployment(
                runId: orphanId, jobId: "d", jobName: "d", environment: "pre", reviewers: ["bob"], approvalsRequired: 1,
                preventSelfReview: false, actor: "alice", waitUntil: Date()))
        #expect(try store.endRunsOfDeadProcesses() == [orphanId])
        let ended = try #require(try store.run(orphanId))
        #expect(ended.status == RunStore.Run.Status.completed && ended.result == "failure")
        #expect(ended.endedReason?.contains("ended before the run did") == true)
        #expect(try store.deployments(ofRun: orphanId).map(\.state) == [.abandoned])
        #expect(try store.run(runId)?.status == RunStore.Run.Status.waiting, "the live run is untouched")
    }
}
