import Foundation
import Logging
import Runner
import Store
import Testing

@testable import Server

/// The server's side of a runner job, in process: a job no runner takes fails once it waited its limit; a run that
/// no longer wants its job cancels it in the store, where the runner's next beat finds it.
@Suite struct RunnerJobDispatcherTests {
    func withDispatcher(queueLimit: Duration, _ body: (RunnerJobDispatcher, RemoteJobRequest) async throws -> Void) async throws {
        let harness = try ServerHarness()
        defer { harness.remove() }
        let store = harness.parts.api.store
        let runId = try store.runs.begin(
            RunStore.Run(
                workflowPath: ".github/workflows/ci.yml", workflowName: "CI", event: "push", ref: "refs/heads/main", sha: "abc",
                result: "", startedAt: Date(), duration: 0))
        let dispatcher = RunnerJobDispatcher(
            store: store, secrets: harness.parts.api.secrets, heartbeatTimeout: .seconds(3), queueLimit: queueLimit,
            broadcast: { _ in }, logger: Logger(label: "test"))
        let spec = RemoteJobSpec(
            workflowPath: ".github/workflows/ci.yml", workflowText: "", jobID: "build", displayName: "build",
            labels: ["self-hosted", "gpu"],
            contexts: ["secrets": #"{"TOKEN":"hush"}"#], repository: "/r", event: "push", ref: "refs/heads/main", sha: "abc", runID: 7,
            runNumber: 1, env: [:], masked: ["hush"], registryMirrors: [:], downloadsArtifacts: false)
        try await body(dispatcher, RemoteJobRequest(spec: spec, runRecordID: runId, stateDirectory: harness.directory + "/state"))
    }

    @Test(.timeLimit(.minutes(1))) func aJobNoRunnerTakesFailsAfterItsQueueLimit() async throws {
        try await withDispatcher(queueLimit: .milliseconds(300)) { dispatcher, request in
            let lines = LineCollector()
            let outcome = await dispatcher.run(request) { await lines.add($0) }
            #expect(outcome.result == .failure)
            #expect(outcome.failureReason == "no runner with the labels gpu,self-hosted took the job within 0.3 s")
            let row = try #require(try dispatcher.store.runnerJobs(runId: request.runRecordID).first)
            #expect(row.state == .cancelled && row.spec.isEmpty, "ended, and the sealed specification dropped")
            #expect(await lines.all.first?.hasPrefix("⏳ waiting for a runner with the labels gpu, self-hosted") == true)
        }
    }

    @Test(.timeLimit(.minutes(1))) func aCancelledRunCancelsItsQueuedJob() async throws {
        try await withDispatcher(queueLimit: .seconds(3600)) { dispatcher, request in
            let seen = dispatcher.changes.value
            let running = Task { await dispatcher.run(request) { _ in } }
            await dispatcher.changes.wait(beyond: seen)
            #expect(try dispatcher.store.runnerJobs(runId: request.runRecordID).first?.state == .queued)
            // The sealed specification never shows the secret.
            let sealed = try #require(try dispatcher.store.runnerJobs(runId: request.runRecordID).first?.spec)
            #expect(!String(decoding: sealed, as: UTF8.self).contains("hush"))
            running.cancel()
            let outcome = await running.value
            #expect(outcome.result == .cancelled)
            #expect(try dispatcher.store.runnerJobs(runId: request.runRecordID).first?.state == .cancelled)
        }
    }
}

actor LineCollector {
    var all: [String] = []
    func add(_ line: String) { all.append(line) }
}
