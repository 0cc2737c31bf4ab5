import Delivery
import Foundation
import GRDB
import Runner
import SlipwayTesting
import Store
import Testing
import Workflows

/// Runs are recorded under `.slipway/` with their masked logs; no secret reaches the database in any encoding.
@Suite(.serialized) struct RunStoreRecorderTests {
    @Test func recordsRunsJobsAndLogsWithoutSecrets() async throws {
        let repo = try TemporaryRepository.make()
        defer { repo.remove() }
        let secret = "pa55-line-one\nsecond-line-xyz"
        let workflow = try WorkflowLoader.load(
            text: """
                on: push
                jobs:
                  build:
                    runs-on: ubuntu-latest
                    outputs:
                      carried: ${{ steps.s.outputs.value }}
                    steps:
                      - id: s
                        run: |
                          echo "plain: ${{ secrets.TOKEN }}"
                          printf '%s' "${{ secrets.TOKEN }}" | base64 -w0; echo
                          echo "value=$(printf '%s' "${{ secrets.TOKEN }}" | head -1)" >> "$GITHUB_OUTPUT"
                          echo "hello from build"
                  fails:
                    runs-on: ubuntu-latest
                    steps:
                      - run: echo "about to fail"; exit 3
                """, path: ".github/workflows/ci.yml")
        let event = WorkflowEvent(name: "push", ref: "refs/heads/main", sha: String(repeating: "d", count: 40))
        let options = RunOptions(
            repositoryRoot: repo.path, event: event, secrets: ["TOKEN": secret], stateDirectory: "\(repo.path)/.slipway")
        let record = await WorkflowRunner(workflow: workflow, options: options, reporter: SilentReporter()).run()
        #expect(record.result == .failure)

        let path = RunStore.path(forRepository: repo.path)
        let id = try await RunStoreRecorder(path: path).record(record)
        let store = try RunStore(path: path)
        let runs = try store.recentRuns()
        #expect(runs.map(\.id) == [id])
        #expect(runs.first?.result == "failure")
        #expect(runs.first?.workflowPath == ".github/workflows/ci.yml")
        let jobs = try store.jobs(ofRun: id)
        #expect(Set(jobs.map(\.jobId)) == ["build", "fails"])
        let build = try #require(jobs.first { $0.jobId == "build" })
        #expect(build.result == "success")
        #expect(build.log.contains("hello from build"))
        #expect(build.log.contains("plain: ***"))
        #expect(jobs.first { $0.jobId == "fails" }?.log.contains("about to fail") == true)

        // Read the raw database file (and its WAL, if any): no form of the secret may appear.
        var bytes = Data()
        for suffix in ["", "-wal", "-journal"] {
            if let data = FileManager.default.contents(atPath: path + suffix) { bytes.append(data) }
        }
        let raw = String(decoding: bytes, as: UTF8.self)
        let forms = [secret, "pa55-line-one", "second-line-xyz", Data(secret.utf8).base64EncodedString()]
        for form in forms {
            #expect(!raw.contains(form), "found \(form.debugDescription) in the store")
        }
    }

    /// Stores written before dates became epoch seconds keep their runs, with the same times.
    @Test func textDatesFromEarlierStoresAreMigrated() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-store-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = "\(directory)/slipway.sqlite"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        do {
            let old = try DatabaseQueue(path: path)
            let migrator = StoreSchema.migrator()
            try migrator.migrate(old, upTo: "v2-jobs")
            try old.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO run (id, workflowPath, workflowName, event, ref, sha, result, startedAt, duration)
                        VALUES (7, 'ci.yml', 'CI', 'push', 'refs/heads/main', 'abc', 'success', '2026-11-23 08:00:00.250', 1.5)
                        """)
                try db.execute(
                    sql: """
                        INSERT INTO job (runId, jobId, name, result, startedAt, duration, outputs, steps, log)
                        VALUES (7, 'test', 'test', 'success', '2026-11-23 08:00:01.000', 1.0, '{}', '[]', 'ok')
                        """)
            }
        }
        let store = try RunStore(path: path)
        let run = try #require(try store.run(7))
        #expect(abs(run.startedAt.timeIntervalSince1970 - 1_795_420_800.25) < 0.001)
        #expect(abs((try store.jobs(ofRun: 7).first?.startedAt.timeIntervalSince1970 ?? 0) - 1_795_420_801) < 0.001)
        let started = Date(timeIntervalSince1970: 1_795_500_000.5)
        let id = try store.save(
            RunStore.Run(
                workflowPath: "cd.yml", workflowName: "CD", event: "workflow_run", ref: "refs/heads/main",
                sha: "def", result: "success", startedAt: started, duration: 2), jobs: [])
        #expect(try store.run(id)?.startedAt == started)
        #expect(try store.recentRuns().map(\.id) == [id, 7])
    }
}
