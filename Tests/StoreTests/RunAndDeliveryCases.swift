import Foundation
import Testing

@testable import Store

extension StoreSuite {
    @Suite struct RunAndDeliveryCases {
        func run(_ name: String = "CI", projectId: Int64? = nil) -> RunStore.Run {
            RunStore.Run(
                workflowPath: ".github/workflows/ci.yml", workflowName: name, event: "push", ref: "refs/heads/main", sha: "abc",
                result: "success", startedAt: Date(timeIntervalSince1970: 1_800_000_000.25), duration: 1.5, projectId: projectId)
        }

        @Test(arguments: Backend.allCases) func runsJobsAndTheirProcesses(_ backend: Backend) async throws {
            try await withDatabase(backend) { database in
                let store = RunStore(database: database)
                let job = RunStore.Job(
                    runId: 0, jobId: "test", name: "test", result: "success", startedAt: Date(timeIntervalSince1970: 1_800_000_001),
                    duration: 1, outputs: "{}", steps: "[]", failureReason: nil, log: "ok")
                let saved = try store.save(run(), jobs: [job, job])
                #expect(try store.run(saved)?.startedAt == Date(timeIntervalSince1970: 1_800_000_000.25), "dates round-trip")
                #expect(try store.jobs(ofRun: saved).count == 2)

                let running = try store.begin(run("CD"))
                #expect(try store.run(running)?.status == RunStore.Run.Status.inProgress)
                #expect(try store.run(running)?.host == RunStore.host)
                #expect(try store.endRunsOfDeadProcesses().isEmpty, "this process is alive")
                try store.finish(running, result: "failure", duration: 2, jobs: [job])
                #expect(try store.run(running)?.result == "failure" && store.run(running)?.pid == nil, "finishing clears the owner")

                // A run of a process that ended on this host is ended; one on another host is not this replica's to judge.
                let orphan = try store.begin(run("orphan"))
                let elsewhere = try store.begin(run("elsewhere"))
                _ = try database.write { db in
                    try db.query("UPDATE run SET pid = ?, processStart = NULL WHERE id IN (?, ?)", Int64(Int32.max - 1), orphan, elsewhere)
                    try db.query("UPDATE run SET host = ? WHERE id = ?", "another-host", elsewhere)
                }
                #expect(try store.endRunsOfDeadProcesses() == [orphan])
                #expect(try store.run(orphan)?.endedReason?.contains("ended before the run did") == true)
                #expect(try store.run(elsewhere)?.status == RunStore.Run.Status.inProgress)
                #expect(try store.recentRuns(limit: 2).map(\.workflowName) == ["elsewhere", "orphan"])
            }
        }

        @Test(arguments: Backend.allCases) func deploymentsAreReviewedOnce(_ backend: Backend) async throws {
            try await withDatabase(backend) { database in
                let store = RunStore(database: database)
                let runId = try store.begin(run(projectId: 1))
                let deployment = try store.open(
                    Deployment(
                        runId: runId, jobId: "deploy", jobName: "deploy", environment: "prod", reviewers: ["bob", "role:approver"],
                        approvalsRequired: 2, preventSelfReview: true, actor: "alice", waitUntil: Date()))
                #expect(try store.run(runId)?.status == RunStore.Run.Status.waiting)
                #expect(throws: DeploymentReviewError.selfReview(user: "alice", run: runId, environment: "prod")) {
                    try store.review(run: runId, environment: "prod", user: "alice", roles: ["approver"], approve: true, comment: nil)
                }
                #expect(
                    try store.review(run: runId, environment: "PROD", user: "bob", approve: true, comment: "ok").first?.state == .waiting)
                #expect(throws: DeploymentReviewError.self) {
                    try store.review(run: runId, environment: "prod", user: "bob", approve: true, comment: nil)
                }
                let approved = try store.review(
                    run: runId, environment: "prod", user: "carol", roles: ["approver"], approve: true, comment: nil)
                #expect(approved.first?.state == .approved)
                #expect(try store.reviews(ofDeployment: deployment).map(\.user) == ["bob", "carol"])
                #expect(try store.waitingDeployments().isEmpty)
                try store.settle(deployment, as: .approved)
                #expect(try store.run(runId)?.status == RunStore.Run.Status.inProgress, "nothing else waits")
                #expect(try store.deployment(deployment)?.preventSelfReview == true)

                let later = try store.begin(run(projectId: 1))
                let next = try store.open(
                    Deployment(
                        runId: later, jobId: "deploy", jobName: "deploy", environment: "prod", reviewers: ["bob"], approvalsRequired: 1,
                        preventSelfReview: false, actor: "alice", waitUntil: Date()))
                let previous = try #require(try store.previousApprovedDeployment(environment: "prod", projectId: 1, before: next))
                #expect(previous.0.id == deployment && previous.sha == "abc")
            }
        }

        @Test(arguments: Backend.allCases) func releasesDecisionsHoldsPromotionsAndLease(_ backend: Backend) async throws {
            try await withDatabase(backend) { database in
                let store = DeliveryStore(database: database)
                let release = DeliveryStore.ReleaseRow(
                    application: "app-qa", environment: "qa", revision: "r1", phase: "Progressing", summary: "10%", startedAt: 1,
                    detail: "{}",
                    active: true)
                let id = try store.insert(release) { id in
                    [DeliveryStore.EventRow(releaseId: id, at: 1, kind: "started", summary: "s", detail: "{}")]
                }
                #expect(try store.activeReleases().map(\.id) == [id])
                #expect(
                    try store.record(DeliveryStore.GateRow(application: "app-qa", releaseId: id, action: "promote", actor: "bob", at: 2)))
                let decision = try #require(try store.pendingDecisions(releaseId: id).first?.id)
                var done = try #require(try store.release(id))
                done.phase = "Succeeded"
                done.active = false
                done.finishedAt = 3
                try store.update(
                    done, appending: [DeliveryStore.EventRow(releaseId: id, at: 3, kind: "promoted", summary: "p", detail: "{}")],
                    consuming: [decision])
                #expect(try store.pendingDecisions(releaseId: id).isEmpty, "the decision was acted on once")
                #expect(try store.events(ofRelease: id).map(\.kind) == ["started", "promoted"])
                #expect(
                    try store.record(DeliveryStore.GateRow(application: "app-qa", releaseId: id, action: "abort", actor: "bob", at: 4))
                        == false)
                let second = try store.insert(
                    DeliveryStore.ReleaseRow(
                        application: "app-qa", environment: "qa", revision: "r2", phase: "Aborted", summary: "", startedAt: 5, detail: "{}")
                )
                let other = try store.insert(
                    DeliveryStore.ReleaseRow(
                        application: "api-qa", environment: "qa", revision: "r3", phase: "Progressing", summary: "", startedAt: 6,
                        detail: "{}"))
                #expect(try store.latestReleases().compactMap(\.id) == [other, second, id])
                #expect(try store.releases(application: "app-qa").compactMap(\.id) == [second, id])

                for revision in ["r1", "r2"] {
                    try store.append(
                        DeliveryStore.SyncRow(application: "app-qa", revision: revision, startedAt: 1, phase: "Succeeded", detail: "{}"))
                }
                #expect(try store.syncs(application: "app-qa", limit: 1).map(\.revision) == ["r2"])
                try store.addHold(
                    DeliveryStore.HoldRow(application: "app-qa", revision: "abcdef", reason: "rolled back", releaseId: id, createdAt: 1))
                try store.addHold(
                    DeliveryStore.HoldRow(application: "app-qa", revision: "abcdef", reason: "again", releaseId: id, createdAt: 2))
                #expect(try store.holds(application: "app-qa").count == 1, "held once")
                #expect(try store.removeHold(application: "app-qa", revision: "abc", by: "bob", reason: "fixed", at: 3)?.removedBy == "bob")
                #expect(try store.holds().isEmpty && store.holds(includeRemoved: true).count == 1)

                let promotion = try store.record(
                    PromotionRow(
                        application: "app-prod", environment: "prod", sourceReleaseId: id, sourceApplication: "app-qa",
                        digests: "a@sha256:1",
                        revision: "c1", actor: "bob", at: 7))
                #expect(try store.promotion(revision: "c1")?.id == promotion)
                #expect(try store.promotions(fromRelease: id).count == 1)

                #expect(try store.acquireLease("controller", holder: "a", ttl: 10, now: 100).holder == "a")
                #expect(try store.acquireLease("controller", holder: "b", ttl: 10, now: 105).holder == "a", "a holds it")
                #expect(try store.acquireLease("controller", holder: "a", ttl: 10, now: 109).holder == "a", "renewed")
                #expect(try store.acquireLease("controller", holder: "b", ttl: 10, now: 120).holder == "b", "a went stale")
                try store.releaseLease("controller", holder: "b")
                #expect(try store.acquireLease("controller", holder: "c", ttl: 10, now: 121).holder == "c")
            }
        }

        @Test(arguments: Backend.allCases) func readinessNamesMigrationsOfALaterSlipway(_ backend: Backend) async throws {
            try await withDatabase(backend) { database in
                #expect(try database.readiness().isCurrent)
                let table = backend == .sqlite ? "grdb_migrations" : "slipway_migrations"
                let insert =
                    backend == .sqlite
                    ? "INSERT INTO grdb_migrations (identifier) VALUES (?)"
                    : "INSERT INTO slipway_migrations (identifier, appliedAt) VALUES (?, 0)"
                _ = try database.write { db in try db.query(insert, "v99-later") }
                let readiness = try database.readiness()
                #expect(!readiness.isCurrent && readiness.unknown == ["v99-later"], "\(table)")
            }
        }
    }
}
