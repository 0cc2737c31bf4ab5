import Core
import Foundation
import NIOHTTP1
import SlipwayTesting
import Synchronization
import Testing

@testable import Server

/// `slipway server` as a team runs it: a real process on 127.0.0.1, a local repository, signed webhooks.
@Suite struct ServerEndToEndTests {
    static let secret = "e2e-hook-secret"

    /// A scratch data directory and a repository whose workflow is `workflow`.
    static func setUp(workflow: String) throws -> (data: String, repository: TemporaryRepository, sha: String) {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-server-e2e-\(UUID().uuidString.prefix(8))").path
        let repository = try TemporaryRepository.make()
        try repository.write(".github/workflows/ci.yml", workflow)
        try repository.commitAll("ci")
        let sha = try String(contentsOfFile: repository.path + "/.git/refs/heads/main", encoding: .utf8).trimmingCharacters(
            in: .whitespacesAndNewlines)
        return (data, repository, sha)
    }

    static func addProject(_ server: ServerProcess, repository: String) async throws -> Int {
        let body = #"{"name":"app","repository":"\#(repository)","webhook_secret":"\#(secret)"}"#
        let answer = try await server.request(.POST, "/api/v1/projects", body: body)
        #expect(answer.status == 201, "\(answer.body)")
        return (answer.json as? [String: Any])?["id"] as? Int ?? 0
    }

    @Test(.timeLimit(.minutes(3))) func aSignedPushRunsTheWorkflowsOnceAndTheAPIShowsTheRun() async throws {
        let (data, repository, sha) = try Self.setUp(
            workflow: """
                on: push
                jobs:
                  build:
                    runs-on: ubuntu-latest
                    steps:
                      - uses: actions/checkout@v4
                      - run: echo "built ${{ github.sha }} from ${{ github.event.repository.full_name }}"
                      - run: test -f .github/workflows/ci.yml

                """)
        defer {
            repository.remove()
            try? FileManager.default.removeItem(atPath: data)
        }
        let server = try await ServerProcess.start(data)
        defer { server.process.kill9() }
        let project = try await Self.addProject(server, repository: repository.path)
        let first = try await server.push(repository: repository.path, sha: sha, delivery: "delivery-1", secret: Self.secret)
        #expect(first.status == 202, "\(first.body)")
        let runs = try await server.until("the run to finish", "/api/v1/runs?project=\(project)") { answer in
            ((answer.json as? [[String: Any]])?.first?["conclusion"] as? String).map { $0 != "" } ?? false
        }
        let listed = runs.json as? [[String: Any]] ?? []
        #expect(listed.count == 1)
        #expect(listed.first?["conclusion"] as? String == "success", "\(runs.body) \(server.process.output.suffix(2000))")
        #expect(listed.first?["sha"] as? String == sha)
        #expect(listed.first?["ref"] as? String == "refs/heads/main")
        let runId = listed.first?["id"] as? Int ?? 0
        let logs = try await server.request(.GET, "/api/v1/runs/\(runId)/logs")
        #expect(logs.body.contains("built \(sha) from team/app"), "\(logs.body)")
        let detail = try await server.request(.GET, "/api/v1/runs/\(runId)")
        let jobs = (detail.json as? [String: Any])?["jobs"] as? [[String: Any]] ?? []
        #expect(jobs.map { $0["name"] as? String } == ["build"])
        #expect((jobs.first?["steps"] as? [Any])?.count == 3)

        // The same delivery again starts nothing; the delivery is completed.
        let again = try await server.push(repository: repository.path, sha: sha, delivery: "delivery-1", secret: Self.secret)
        #expect(again.status == 200 && again.body.contains(#""duplicate":true"#))
        let deliveries = try await server.request(.GET, "/api/v1/deliveries?project=\(project)")
        let rows = deliveries.json as? [[String: Any]] ?? []
        #expect(rows.count == 1 && rows.first?["state"] as? String == "completed", "\(deliveries.body)")
        // A wrong signature: 401, and nothing more is queued.
        let forged = try await server.push(repository: repository.path, sha: sha, delivery: "delivery-2", secret: "guess")
        #expect(forged.status == 401)
        let after = try await server.request(.GET, "/api/v1/runs?project=\(project)")
        #expect((after.json as? [Any])?.count == 1)

        // The CLI reads the same through the API with --server and SLIPWAY_TOKEN.
        let cli = ["SLIPWAY_TOKEN": server.adminToken, "SLIPWAY_SERVER": ""]
        let listedByCLI = try await CapturedCommand.run(
            ServerProcess.slipway, ["runs", "--server", server.url, "--project", "app"], environment: cli, timeout: .seconds(30))
        #expect(listedByCLI.succeeded && listedByCLI.standardOutput.contains("refs/heads/main"), "\(listedByCLI.standardOutput)")
        #expect(listedByCLI.standardOutput.contains("success"))
        let logsByCLI = try await CapturedCommand.run(
            ServerProcess.slipway, ["logs", "\(runId)", "build", "--server", server.url], environment: cli, timeout: .seconds(30))
        #expect(logsByCLI.succeeded && logsByCLI.standardOutput.contains("built \(sha) from team/app"), "\(logsByCLI.standardOutput)")
        let noJob = try await CapturedCommand.run(
            ServerProcess.slipway, ["logs", "\(runId)", "deploy", "--server", server.url], environment: cli, timeout: .seconds(30))
        #expect(!noJob.succeeded && noJob.standardError.contains("has no job 'deploy'"), "\(noJob.standardError)")
        let noRelease = try await CapturedCommand.run(
            ServerProcess.slipway, ["rollout", "promote", "app", "--server", server.url], environment: cli, timeout: .seconds(30))
        #expect(!noRelease.succeeded && noRelease.standardError.contains("no release"), "\(noRelease.standardError)")
        let noToken = try await CapturedCommand.run(
            ServerProcess.slipway, ["release", "list"], environment: ["SLIPWAY_SERVER": server.url, "SLIPWAY_TOKEN": ""],
            timeout: .seconds(30))
        #expect(!noToken.succeeded && noToken.standardError.contains("SLIPWAY_TOKEN"), "\(noToken.standardError)")
        let badToken = try await CapturedCommand.run(
            ServerProcess.slipway, ["runs"], environment: ["SLIPWAY_SERVER": server.url, "SLIPWAY_TOKEN": "slw_nothing"],
            timeout: .seconds(30))
        #expect(!badToken.succeeded && badToken.standardError.contains("refused the token"), "\(badToken.standardError)")

        // SIGTERM stops the server with exit 0.
        server.process.terminate()
        #expect(try await server.process.end(within: .seconds(30)) == .exited(0))
    }

    @Test(.timeLimit(.minutes(3))) func aLiveLogReaderThatReconnectsWithLastEventIDGetsEveryLineOnce() async throws {
        let gate = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-server-gate-\(UUID().uuidString.prefix(8))").path
        let (data, repository, sha) = try Self.setUp(
            workflow: """
                on: push
                jobs:
                  talk:
                    runs-on: ubuntu-latest
                    steps:
                      - run: |
                          for i in $(seq 1 10); do echo "line $i"; done
                          while [ ! -f \(gate) ]; do sleep 0.05; done
                          for i in $(seq 11 30); do echo "line $i"; done

                """)
        defer {
            repository.remove()
            try? FileManager.default.removeItem(atPath: data)
            try? FileManager.default.removeItem(atPath: gate)
        }
        let server = try await ServerProcess.start(data)
        defer { server.process.kill9() }
        _ = try await Self.addProject(server, repository: repository.path)
        let accepted = try await server.push(repository: repository.path, sha: sha, delivery: "live-1", secret: Self.secret)
        let delivery = (accepted.json as? [String: Any])?["delivery_id"] as? Int ?? 0
        let url = server.url + "/api/v1/deliveries/\(delivery)/logs"
        // First connection: up to line 10 (the step waits for the gate after it), then the client goes away.
        let first = try await EventStreamClient.read(url, token: server.adminToken) { $0.data.contains("line 10\"") }
        #expect(first.status == 200 && first.contentType == "text/event-stream")
        FileManager.default.createFile(atPath: gate, contents: Data())
        let lastID = first.events.last?.id
        #expect(lastID != nil)
        // Reconnected after the last id seen: the rest, then `done`.
        let second = try await EventStreamClient.read(url, token: server.adminToken, lastEventID: lastID) { $0.name == "done" }
        let texts = (first.events + second.events).filter { $0.name == "log" }.compactMap { event -> String? in
            let object = try? JSONSerialization.jsonObject(with: Data(event.data.utf8)) as? [String: Any]
            // A step's output lines are shown as `  | TEXT` under the step's header.
            return (object?["text"] as? String).flatMap { $0.hasPrefix("  | line ") ? String($0.dropFirst(4)) : nil }
        }
        #expect(texts == (1...30).map { "line \($0)" }, "\(texts)")
        #expect(second.events.last?.name == "done" && second.events.last?.data.contains(#""state":"completed""#) == true)
        let ids = (first.events + second.events).compactMap { $0.id.flatMap(Int.init) }
        #expect(ids == ids.sorted() && Set(ids).count == ids.count, "ids increase, none twice")
        // Without a token: 401, as everywhere.
        let stranger = try await server.request(.GET, "/api/v1/deliveries/\(delivery)/logs", headers: [("Accept", "text/event-stream")])
        #expect(stranger.status == 401)
    }

    @Test(.timeLimit(.minutes(3))) func theEventStreamFollowsDeliveriesAndRunsAndResumesAfterLastEventID() async throws {
        let gate = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-server-gate-\(UUID().uuidString.prefix(8))").path
        let (data, repository, sha) = try Self.setUp(
            workflow: """
                on: push
                jobs:
                  wait:
                    runs-on: ubuntu-latest
                    steps:
                      - run: while [ ! -f \(gate) ]; do sleep 0.05; done

                """)
        defer {
            repository.remove()
            try? FileManager.default.removeItem(atPath: data)
            try? FileManager.default.removeItem(atPath: gate)
        }
        let server = try await ServerProcess.start(data)
        defer { server.process.kill9() }
        _ = try await Self.addProject(server, repository: repository.path)
        let accepted = try await server.push(repository: repository.path, sha: sha, delivery: "events-1", secret: Self.secret)
        let delivery = (accepted.json as? [String: Any])?["delivery_id"] as? Int ?? 0
        _ = try await server.until("the delivery to run", "/api/v1/deliveries/\(delivery)") {
            ($0.json as? [String: Any])?["state"] as? String == "running"
        }
        // Connected while the run waits; the gate opens once the stream answered.
        let url = server.url + "/api/v1/events"
        let seen = Mutex<(run: Bool, completed: Bool)>((false, false))
        let first = try await EventStreamClient.read(
            url, token: server.adminToken, onConnected: { FileManager.default.createFile(atPath: gate, contents: Data()) },
            stop: { event in
                seen.withLock { state in
                    if event.name == "run" { state.run = event.data.contains(#""conclusion":"success""#) }
                    if event.name == "delivery", event.data.contains(#""state":"completed""#) { state.completed = true }
                    return state.run && state.completed
                }
            })
        #expect(first.status == 200 && first.contentType == "text/event-stream")
        let names = first.events.map(\.name)
        #expect(names.contains("run") && names.contains("delivery"), "\(first.events)")
        let ids = first.events.compactMap(\.id)
        #expect(ids.count == first.events.count && Set(ids).count == ids.count, "every event has an id of its own: \(ids)")

        // Reconnecting after the first event gets exactly the ones after it.
        let lastId = try #require(ids.last)
        let resumed = try await EventStreamClient.read(url, token: server.adminToken, lastEventID: ids.first) { $0.id == lastId }
        #expect(resumed.events.map(\.id) == Array(first.events.dropFirst()).map(\.id), "\(resumed.events) vs \(first.events)")
        #expect(resumed.events.map(\.data) == Array(first.events.dropFirst()).map(\.data))
        // An id from before a restart (or not this server's): a reset first, so the client reloads.
        let stale = try await EventStreamClient.read(url, token: server.adminToken, lastEventID: "0000-5") { _ in true }
        #expect(stale.events.first?.name == "reset", "\(stale.events)")
        let stranger = try await server.request(.GET, "/api/v1/events", headers: [("Accept", "text/event-stream")])
        #expect(stranger.status == 401)
    }

    @Test(.timeLimit(.minutes(3))) func aProjectSecretReachesItsRunsMaskedAndIsNeverShown() async throws {
        let value = "s3cr3t-\(UUID().uuidString.prefix(12))"
        let (data, repository, sha) = try Self.setUp(
            workflow: """
                on: push
                jobs:
                  use:
                    runs-on: ubuntu-latest
                    steps:
                      - run: test "${{ secrets.deploy_key }}" = "\(value)" && echo "key is ${{ secrets.DEPLOY_KEY }}"

                """)
        defer {
            repository.remove()
            try? FileManager.default.removeItem(atPath: data)
        }
        let server = try await ServerProcess.start(data)
        defer { server.process.kill9() }
        let project = try await Self.addProject(server, repository: repository.path)
        let set = try await server.request(.PUT, "/api/v1/projects/\(project)/secrets/deploy_key", body: #"{"value":"\#(value)"}"#)
        #expect(set.status == 201, "\(set.body)")
        let again = try await server.request(.PUT, "/api/v1/projects/\(project)/secrets/DEPLOY_KEY", body: #"{"value":"\#(value)"}"#)
        #expect(again.status == 200, "setting it again replaces it")
        let bad = try await server.request(.PUT, "/api/v1/projects/\(project)/secrets/GITHUB_TOKEN", body: #"{"value":"x"}"#)
        #expect(bad.status == 400)
        let listed = try await server.request(.GET, "/api/v1/projects/\(project)/secrets")
        #expect((listed.json as? [[String: Any]])?.map { $0["name"] as? String } == ["DEPLOY_KEY"], "\(listed.body)")

        _ = try await server.push(repository: repository.path, sha: sha, delivery: "secret-1", secret: Self.secret)
        let runs = try await server.until("the run to finish", "/api/v1/runs?project=\(project)") { answer in
            ((answer.json as? [[String: Any]])?.first?["conclusion"] as? String).map { $0 != "" } ?? false
        }
        let run = (runs.json as? [[String: Any]])?.first
        #expect(run?["conclusion"] as? String == "success", "the run saw the secret's value: \(runs.body)")
        let logs = try await server.request(.GET, "/api/v1/runs/\(run?["id"] as? Int ?? 0)/logs")
        #expect(logs.body.contains("key is ***"), "\(logs.body)")
        var answers = [set.body, again.body, listed.body, runs.body, logs.body]
        for path in ["/api/v1/projects/\(project)", "/api/v1/deliveries", "/api/v1/deliveries/1/logs"] {
            answers.append(try await server.request(.GET, path).body)
        }
        #expect(!answers.contains { $0.contains(value) }, "no answer holds the value")
        let stored = ["", "-wal"].map { FileManager.default.contents(atPath: data + "/server.sqlite" + $0) ?? Data() }
            .map { String(decoding: $0, as: UTF8.self) }.joined()
        #expect(!stored.contains(value) && !server.process.output.contains(value), "neither the store nor the server's output holds it")
        let removed = try await server.request(.DELETE, "/api/v1/projects/\(project)/secrets/DEPLOY_KEY")
        #expect(removed.status == 204)
        #expect(try await server.request(.DELETE, "/api/v1/projects/\(project)/secrets/DEPLOY_KEY").status == 404)
    }

    @Test(.timeLimit(.minutes(3))) func aProjectVariableReachesItsRunsAsVarsUnmasked() async throws {
        let (data, repository, sha) = try Self.setUp(
            workflow: """
                on: push
                env:
                  REGISTRY: ${{ vars.REGISTRY }}
                jobs:
                  use:
                    runs-on: ubuntu-latest
                    steps:
                      - run: echo "registry=$REGISTRY region=${{ vars.region }} unset=[${{ vars.NOT_SET }}]"

                """)
        defer {
            repository.remove()
            try? FileManager.default.removeItem(atPath: data)
        }
        let server = try await ServerProcess.start(data)
        defer { server.process.kill9() }
        let project = try await Self.addProject(server, repository: repository.path)
        let set = try await server.request(.PUT, "/api/v1/projects/\(project)/variables/registry", body: #"{"value":"127.0.0.1:5000"}"#)
        #expect(set.status == 201, "\(set.body)")
        #expect(set.object?["name"] as? String == "REGISTRY" && set.object?["value"] as? String == "127.0.0.1:5000", "\(set.body)")
        let region = try await server.request(.PUT, "/api/v1/projects/\(project)/variables/REGION", body: #"{"value":"eu"}"#)
        #expect(region.status == 201)
        #expect(try await server.request(.PUT, "/api/v1/projects/\(project)/variables/REGION", body: #"{"value":"us"}"#).status == 200)
        #expect(try await server.request(.PUT, "/api/v1/projects/\(project)/variables/1ST", body: #"{"value":"x"}"#).status == 400)
        #expect(try await server.request(.PUT, "/api/v1/projects/999/variables/REGION", body: #"{"value":"x"}"#).status == 404)
        let listed = try await server.request(.GET, "/api/v1/projects/\(project)/variables")
        #expect(
            listed.array?.map { "\($0["name"] ?? "")=\($0["value"] ?? "")" } == ["REGION=us", "REGISTRY=127.0.0.1:5000"], "\(listed.body)")
        let stranger = try await server.request(.GET, "/api/v1/projects/\(project)/variables", headers: [("X", "y")])
        #expect(stranger.status == 401)

        _ = try await server.push(repository: repository.path, sha: sha, delivery: "vars-1", secret: Self.secret)
        let runs = try await server.until("the run to finish", "/api/v1/runs?project=\(project)") { answer in
            (answer.array?.first?["conclusion"] as? String).map { $0 != "" } ?? false
        }
        let run = runs.array?.first
        #expect(run?["conclusion"] as? String == "success", "\(runs.body)")
        let logs = try await server.request(.GET, "/api/v1/runs/\(run?["id"] as? Int ?? 0)/logs")
        #expect(logs.body.contains("registry=127.0.0.1:5000 region=us unset=[]"), "shown as they are, not masked: \(logs.body)")
        #expect(try await server.request(.DELETE, "/api/v1/projects/\(project)/variables/REGION").status == 204)
        #expect(try await server.request(.DELETE, "/api/v1/projects/\(project)/variables/REGION").status == 404)
    }

    @Test(.timeLimit(.minutes(3))) func aConcurrencyGroupSpansDeliveries() async throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-server-group-\(UUID().uuidString.prefix(8))")
            .path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        let (data, repository, sha) = try Self.setUp(
            workflow: """
                on: push
                concurrency:
                  group: deploy
                  cancel-in-progress: true
                jobs:
                  deploy:
                    runs-on: ubuntu-latest
                    steps:
                      - run: |
                          echo started >> \(scratch)/started
                          while [ ! -f \(scratch)/go ]; do sleep 0.05; done

                """)
        defer {
            repository.remove()
            try? FileManager.default.removeItem(atPath: data)
            try? FileManager.default.removeItem(atPath: scratch)
        }
        let server = try await ServerProcess.start(data)
        defer { server.process.kill9() }
        let project = try await Self.addProject(server, repository: repository.path)
        @Sendable func started() -> Int {
            ((try? String(contentsOfFile: scratch + "/started", encoding: .utf8)) ?? "").split(separator: "\n").count
        }
        #expect(try await server.push(repository: repository.path, sha: sha, delivery: "g-1", secret: Self.secret).status == 202)
        try await Deadline.within(.seconds(60), "the first delivery's step to start") {
            while started() < 1 { try await Task.sleep(for: .milliseconds(50)) }
        }
        // A second delivery in the same group cancels the first's run, as on GitHub.
        #expect(try await server.push(repository: repository.path, sha: sha, delivery: "g-2", secret: Self.secret).status == 202)
        _ = try await server.until("the first run to be cancelled", "/api/v1/runs?project=\(project)") { answer in
            (answer.json as? [[String: Any]] ?? []).contains { $0["conclusion"] as? String == "cancelled" }
        }
        FileManager.default.createFile(atPath: scratch + "/go", contents: Data())
        let runs = try await server.until("both runs to finish", "/api/v1/runs?project=\(project)") { answer in
            let listed = answer.json as? [[String: Any]] ?? []
            return listed.count == 2 && listed.allSatisfy { $0["status"] as? String == "completed" }
        }
        let conclusions = (runs.json as? [[String: Any]] ?? []).map {
            "\($0["delivery_id"] as? Int ?? 0) \($0["conclusion"] as? String ?? "")"
        }
        #expect(Set(conclusions) == ["1 cancelled", "2 success"], "\(conclusions)")
    }

    @Test func changedPathsComeFromACompleteListOfCommits() {
        let two =
            #"{"commits":[{"added":["a.txt"],"removed":[],"modified":["src/x.swift"]},{"added":[],"removed":["old"],"modified":["a.txt"]}]}"#
        #expect(EventWorker.changedPaths(two) == ["a.txt", "old", "src/x.swift"])
        // GitLab lists at most 20 commits of a larger push: then the paths are unknown and `paths` filters pass.
        let truncated = #"{"total_commits_count":30,"commits":[{"added":["a"],"removed":[],"modified":[]}]}"#
        #expect(EventWorker.changedPaths(truncated) == nil)
        #expect(EventWorker.changedPaths(#"{"commits":[{"id":"abc"}]}"#) == nil, "commits without file lists")
        #expect(EventWorker.changedPaths("{}") == nil)
    }

    @Test(.timeLimit(.minutes(3))) func aRunCutByKillNineIsFailedOnceAfterTheRestart() async throws {
        let marker = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-server-marker-\(UUID().uuidString.prefix(8))")
            .path
        let duration = "60.\(UInt32.random(in: 100_000...999_999))"
        let (data, repository, sha) = try Self.setUp(
            workflow: """
                on: push
                jobs:
                  slow:
                    runs-on: ubuntu-latest
                    steps:
                      - run: touch \(marker); sleep \(duration)

                """)
        defer {
            repository.remove()
            try? FileManager.default.removeItem(atPath: data)
            try? FileManager.default.removeItem(atPath: marker)
            for line in Leftovers.processes(mentioning: "sleep \(duration)") {
                if let pid = Int32(line.prefix { $0 != ":" }) { kill(pid, SIGKILL) }
            }
        }
        let server = try await ServerProcess.start(data)
        let project = try await Self.addProject(server, repository: repository.path)
        #expect(try await server.push(repository: repository.path, sha: sha, delivery: "k-1", secret: Self.secret).status == 202)
        try await Deadline.within(.seconds(60), "the step to start") {
            while !FileManager.default.fileExists(atPath: marker) { try await Task.sleep(for: .milliseconds(50)) }
        }
        server.process.kill9()
        _ = try await server.process.end(within: .seconds(10))

        let orphans = Leftovers.processes(mentioning: "sleep \(duration)")
        #expect(!orphans.isEmpty, "the step's process outlived the killed server (its own session)")

        let restarted = try await ServerProcess.start(data)
        defer { restarted.process.kill9() }
        let pids = orphans.compactMap { Int32($0.prefix { $0 != ":" }) }
        #expect(await Leftovers.waitUntilEnded(pids).isEmpty, "the restarted server killed the step it found running")
        let deliveries = try await restarted.request(.GET, "/api/v1/deliveries?project=\(project)")
        let rows = deliveries.json as? [[String: Any]] ?? []
        #expect(rows.count == 1)
        #expect(rows.first?["state"] as? String == "failed", "\(deliveries.body)")
        #expect(rows.first?["reason"] as? String == "server restarted")
        // Not started again: its run, recorded as it started, is ended once with the reason, and the step did not run a
        // second time.
        try FileManager.default.removeItem(atPath: marker)
        let runs = try await restarted.request(.GET, "/api/v1/runs?project=\(project)")
        let runRows = runs.json as? [[String: Any]] ?? []
        #expect(runRows.count == 1, "\(runs.body)")
        #expect(runRows.first?["status"] as? String == "completed" && runRows.first?["conclusion"] as? String == "failure", "\(runs.body)")
        #expect((runRows.first?["ended_reason"] as? String)?.contains("ended before the run did") == true, "\(runs.body)")
        // A new delivery after the restart runs (the queue works on).
        #expect(try await restarted.push(repository: repository.path, sha: sha, delivery: "k-2", secret: Self.secret).status == 202)
        try await Deadline.within(.seconds(60), "the new delivery's step to start") {
            while !FileManager.default.fileExists(atPath: marker) { try await Task.sleep(for: .milliseconds(50)) }
        }
    }

    @Test(.timeLimit(.minutes(20))) func twoHundredConcurrentDeliveriesStartExactlyTwoHundredRuns() async throws {
        // 200 runs on four workers load the machine: not beside the tests that time what they see.
        try await HeavyTests.exclusively { try await Self.twoHundredConcurrentDeliveries() }
    }

    static func twoHundredConcurrentDeliveries() async throws {
        let (data, repository, sha) = try Self.setUp(
            workflow: """
                on: push
                jobs:
                  quick:
                    runs-on: ubuntu-latest
                    steps:
                      - run: echo quick

                """)
        defer {
            repository.remove()
            try? FileManager.default.removeItem(atPath: data)
        }
        let server = try await ServerProcess.start(data, workers: 4)
        defer { server.process.kill9() }
        let project = try await Self.addProject(server, repository: repository.path)
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<200 {
                group.addTask {
                    try await server.push(repository: repository.path, sha: sha, delivery: "c-\(index)", secret: Self.secret).status
                }
            }
            var statuses: [Int] = []
            for try await status in group { statuses.append(status) }
            return statuses
        }
        #expect(statuses.filter { $0 == 202 }.count == 200)
        let done = try await server.until(
            "200 deliveries to finish", within: .seconds(240), "/api/v1/deliveries?project=\(project)&limit=500"
        ) {
            answer in
            let rows = answer.json as? [[String: Any]] ?? []
            return rows.count == 200 && rows.allSatisfy { ["completed", "failed"].contains($0["state"] as? String) }
        }
        let rows = done.json as? [[String: Any]] ?? []
        #expect(Set(rows.compactMap { $0["delivery_id"] as? String }).count == 200)
        #expect(
            rows.allSatisfy { $0["state"] as? String == "completed" }, "\(rows.filter { $0["state"] as? String != "completed" }.prefix(3))")
        let runs = try await server.request(.GET, "/api/v1/runs?project=\(project)&limit=500")
        let listed = runs.json as? [[String: Any]] ?? []
        #expect(listed.count == 200)
        #expect(Set(listed.compactMap { $0["delivery_id"] as? Int }).count == 200, "one run per delivery, none twice")
    }
}
