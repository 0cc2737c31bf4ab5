import Foundation
import SlipwayTesting
import Testing

@testable import Store

extension StoreSuite {
    /// Runners and the jobs queued for them, on both databases.
    @Suite struct RunnerStoreCases {
        static let now = 1_800_000_000.0

        func run(_ store: ServerStore) throws -> Int64 {
            try store.runs.begin(
                RunStore.Run(
                    workflowPath: ".github/workflows/ci.yml", workflowName: "CI", event: "push", ref: "refs/heads/main", sha: "abc",
                    result: "", startedAt: Date(timeIntervalSince1970: Self.now), duration: 0))
        }

        func job(_ run: Int64, _ name: String, _ labels: [String]) -> RunnerJobRow {
            RunnerJobRow(runId: run, name: name, labels: labels, spec: [1, 2, 3], createdAt: Self.now)
        }

        @Test(arguments: Backend.allCases) func runnersTakeTheJobsTheirLabelsCoverOnce(_ backend: Backend) async throws {
            try await withDatabase(backend) { database in
                let store = try ServerStore(database: database)
                let red = try store.addRunner(
                    RunnerRow(name: "red", hash: "h-red", prefix: "slr_red", createdAt: Self.now, createdBy: "admin"))
                let blue = try store.addRunner(
                    RunnerRow(name: "blue", hash: "h-blue", prefix: "slr_blu", createdAt: Self.now, createdBy: "a"))
                #expect(throws: ServerStoreError.nameTaken("red")) {
                    try store.addRunner(RunnerRow(name: "red", hash: "other", prefix: "x", createdAt: 0, createdBy: "a"))
                }
                #expect(try store.runner(hash: "h-red")?.name == "red")
                let runId = try run(store)
                let redJob = try #require(try store.queueRunnerJob(job(runId, "r", ["self-hosted", "Red"])).id)
                let blueJob = try #require(try store.queueRunnerJob(job(runId, "b", ["self-hosted", "blue"])).id)

                // Labels: all of the job's, compared without case; the oldest matching job first.
                #expect(try store.claimRunnerJob(runner: red, labels: ["self-hosted", "green"], now: Self.now) == nil)
                let taken = try #require(try store.claimRunnerJob(runner: red, labels: ["self-hosted", "red", "linux"], now: Self.now + 1))
                #expect(taken.id == redJob && taken.state == .running && taken.runnerName == "red")
                #expect(try store.runners().first { $0.name == "red" }?.labels == "linux,red,self-hosted")
                #expect(try store.claimRunnerJob(runner: red, labels: ["self-hosted", "red"]) == nil, "taken once")

                // Only the runner that took a job may speak for it.
                let redId = try #require(red.id)
                let blueId = try #require(blue.id)
                #expect(try store.beatRunnerJob(redJob, runnerId: blueId) == nil)
                #expect(try store.beatRunnerJob(redJob, runnerId: redId, now: Self.now + 2) == .running)
                #expect(try store.appendRunnerJobLines(redJob, runnerId: redId, lines: ["one", "two"], now: Self.now + 3) == .running)
                let lines = try store.runnerJobLines(redJob, after: 0)
                #expect(lines.map(\.text) == ["one", "two"])
                #expect(try store.runnerJobLines(redJob, after: try #require(lines.first?.position)).map(\.text) == ["two"])
                #expect(try store.setRunnerJobOutputs(redJob, runnerId: redId, archive: [9, 8]))
                #expect(try store.finishRunnerJob(redJob, runnerId: redId, result: "{}", now: Self.now + 4) == .finished)
                #expect(try store.finishRunnerJob(redJob, runnerId: redId, result: "{}") == .finished, "a second report changes nothing")
                #expect(try store.runnerJob(id: redJob)?.spec.isEmpty == true, "the sealed specification is dropped when the job ends")
                #expect(try store.runnerJob(id: redJob)?.outputs == [9, 8], "what it sent back waits for its server")
                try store.closeRunnerJob(redJob)
                let closed = try #require(try store.runnerJob(id: redJob))
                #expect(closed.spec.isEmpty && closed.outputs == nil && closed.result == "{}")
                #expect(try store.runnerJobLines(redJob, after: 0).isEmpty)

                // A silent runner: its job is lost only once its last beat is older than the limit.
                let stale = try #require(try store.claimRunnerJob(runner: blue, labels: ["self-hosted", "blue"], now: Self.now + 10))
                #expect(stale.id == blueJob)
                #expect(try store.endRunnerJob(blueJob, .heartbeatTimeout, reason: "silent", silentSince: Self.now + 5)?.state == .running)
                let lost = try store.endRunnerJob(
                    blueJob, .heartbeatTimeout, reason: "silent", silentSince: Self.now + 20, now: Self.now + 21)
                #expect(lost?.state == .lost && lost?.reason == "silent" && lost?.spec.isEmpty == true)
                #expect(try store.finishRunnerJob(blueJob, runnerId: blueId, result: "{}") == .lost, "too late")

                // A run that ended: its queued jobs are never given, its running ones are cancelled at their next beat.
                let ending = try run(store)
                let taken2 = try #require(try store.queueRunnerJob(job(ending, "taken", ["self-hosted"])).id)
                let waiting = try #require(try store.queueRunnerJob(job(ending, "waiting", ["self-hosted"])).id)
                #expect(try store.claimRunnerJob(runner: red, labels: ["self-hosted"])?.id == taken2)
                try store.runs.finish(ending, result: "cancelled", duration: 1, jobs: [])
                #expect(try store.claimRunnerJob(runner: blue, labels: ["self-hosted"]) == nil)
                #expect(try store.runnerJob(id: waiting)?.state == .cancelled && store.runnerJob(id: waiting)?.spec.isEmpty == true)
                #expect(try store.beatRunnerJob(taken2, runnerId: redId) == .cancelled)
                #expect(try store.runnerJob(id: taken2)?.reason == "the run ended")

                // Removing a runner: its token no longer finds it.
                #expect(try store.deleteRunner(redId))
                #expect(try store.runner(hash: "h-red") == nil)
            }
        }

        @Test(arguments: Backend.allCases) func concurrentRunnersNeverTakeTheSameJob(_ backend: Backend) async throws {
            try await withDatabase(backend) { database in
                let store = try ServerStore(database: database)
                let runId = try run(store)
                for index in 0..<60 { _ = try store.queueRunnerJob(job(runId, "j\(index)", ["self-hosted"])) }
                var runners: [RunnerRow] = []
                for index in 0..<8 {
                    runners.append(
                        try store.addRunner(RunnerRow(name: "r\(index)", hash: "h\(index)", prefix: "p", createdAt: 0, createdBy: "a")))
                }
                let second = try secondHandle(on: database)
                defer { second.close() }
                let stores = [store, try ServerStore(database: second)]
                let taken = try await withThrowingTaskGroup(of: [Int64].self) { group in
                    for (index, runner) in runners.enumerated() {
                        let store = stores[index % 2]
                        group.addTask {
                            var mine: [Int64] = []
                            while let job = try store.claimRunnerJob(runner: runner, labels: ["self-hosted"]) {
                                mine.append(try #require(job.id))
                            }
                            return mine
                        }
                    }
                    return try await group.reduce(into: [Int64]()) { $0 += $1 }
                }
                #expect(taken.count == 60 && Set(taken).count == 60, "every job taken once")
            }
        }
    }
}

/// The runner job's lifecycle as a table: what each event does in each state.
@Suite struct RunnerJobStateTests {
    @Test func transitions() {
        typealias State = RunnerJobState
        let table: [(State, State.Event, State?)] = [
            (.queued, .claim, .running), (.queued, .cancel, .cancelled), (.queued, .heartbeat, nil), (.queued, .finish, nil),
            (.queued, .heartbeatTimeout, nil),
            (.running, .claim, nil), (.running, .heartbeat, .running), (.running, .finish, .finished),
            (.running, .heartbeatTimeout, .lost), (.running, .cancel, .cancelled),
        ]
        for (state, event, expected) in table {
            #expect(state.after(event) == expected, "\(state) + \(event)")
        }
        for state in State.allCases where state.isFinal {
            for event in [State.Event.claim, .heartbeat, .finish, .heartbeatTimeout, .cancel] {
                #expect(state.after(event) == nil, "\(state) is final: \(event) changes nothing")
            }
        }
        #expect(State.allCases.filter(\.isFinal) == [.finished, .lost, .cancelled])
    }
}
