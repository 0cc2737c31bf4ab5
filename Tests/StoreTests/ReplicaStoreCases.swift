import Core
import Foundation
import SlipwayTesting
import Testing

@testable import Store

extension StoreSuite {
    /// Replicas sharing a database: their beats, and what ending a dead one ends.
    @Suite struct ReplicaStoreCases {
        @Test(arguments: Backend.allCases) func aDeadReplicasDeliveriesAndRunsAreEndedOnce(_ backend: Backend) async throws {
            try await withDatabase(backend) { database in
                let store = try ServerStore(database: database)
                let now = Date().timeIntervalSince1970
                let pid = Int64(getpid())
                let me = ReplicaRow(
                    id: "me", host: RunStore.host, pid: pid, processStart: ProcessLiveness.startTicks(getpid()), startedAt: now)
                var silent = ReplicaRow(id: "silent", host: "elsewhere", pid: 4242, processStart: nil, startedAt: now - 60)
                silent.heartbeatAt = now - 20
                let lively = ReplicaRow(id: "lively", host: "elsewhere", pid: 4343, processStart: nil, startedAt: now)
                for replica in [me, silent, lively] { try store.register(replica) }
                let project = try #require(
                    try store.addProject(
                        ProjectRow(name: "app", repository: "/r", defaultBranch: "main", webhookSecret: nil, createdAt: now)
                    ).id)
                for index in 0..<2 {
                    _ = try store.enqueue(
                        EventRow(
                            projectId: project, source: "github", deliveryId: "d\(index)", event: "push", ref: "refs/heads/main",
                            sha: "s\(index)",
                            payload: "{}", createdAt: now))
                }
                let mine = try #require(try store.claimNextEvent(owner: "me"))
                let theirs = try #require(try store.claimNextEvent(owner: "silent"))
                var run = RunStore.Run(
                    workflowPath: "ci.yml", workflowName: "CI", event: "push", ref: "refs/heads/main", sha: "s1", result: "",
                    startedAt: Date(timeIntervalSince1970: now - 5), duration: 0, projectId: project, eventId: theirs.id)
                run.status = RunStore.Run.Status.inProgress
                run.host = "elsewhere"
                run.pid = 4242
                let runId = try #require(try database.write { db in try db.insert(run) })

                let reaped = try store.reapDeadReplicas(reason: "server restarted", beating: me, now: now)
                #expect(reaped.replicas == ["silent"] && !reaped.registeredAgain)
                #expect(reaped.events.map(\.id) == [theirs.id] && reaped.runs == [runId])
                #expect(try store.event(id: try #require(theirs.id))?.reason == "server restarted")
                #expect(try store.event(id: try #require(mine.id))?.state == EventRow.State.running.rawValue, "a live replica's delivery")
                let ended = try #require(try store.runs.run(runId))
                #expect(ended.status == RunStore.Run.Status.completed && ended.result == "failure")
                #expect(ended.endedReason == "the server running it (elsewhere, pid 4242) ended before the run did")
                #expect(try store.replicas().map(\.id).sorted() == ["lively", "me"])
                #expect(try store.reapDeadReplicas(reason: "again", now: now).events.isEmpty, "ended once")

                // A replica taken for dead (its row gone) is written again by its next beat.
                try store.unregister("me")
                #expect(try store.reapDeadReplicas(reason: "server restarted", beating: me, now: now + 3).registeredAgain)
                #expect(try store.replicas().first { $0.id == "me" }?.heartbeatAt == now + 3)
            }
        }
    }
}
