import Core
import Foundation
import NIOHTTP1
import SlipwayTesting
import Store
import Testing

/// Runners on other machines (here: other processes with their own work directories): jobs go to the runner whose
/// labels cover their `runs-on`, their logs and artifacts come back, and a runner killed mid-job has that job failed
/// after the heartbeat timeout while the run's other jobs go on.
@Suite(.serialized) struct ServerRunnerTests {
    static let workflow = """
        on: push
        jobs:
          red:
            runs-on: [self-hosted, red]
            steps:
              - uses: actions/checkout@v4
              - run: echo "$RUNNER_NAME" > SCRATCH/red-runner && test -f .github/workflows/ci.yml
              - run: echo "${{ github.run_id }}" > SCRATCH/run-id
              - run: echo "red says ${{ secrets.TOKEN }}"
          blue:
            runs-on: [self-hosted, blue]
            outputs:
              colour: ${{ steps.pick.outputs.colour }}
            steps:
              - run: echo "$RUNNER_NAME" > SCRATCH/blue-runner && mkdir out && echo "made on blue" > out/report.txt
              - uses: actions/upload-artifact@v4
                with:
                  name: report
                  path: out/report.txt
              - id: pick
                run: echo "colour=blue" >> "$GITHUB_OUTPUT"
          after-blue:
            runs-on: [self-hosted, blue]
            needs: blue
            steps:
              - uses: actions/download-artifact@v4
                with:
                  name: report
              - run: cat report.txt > SCRATCH/downloaded && echo "${{ needs.blue.outputs.colour }}" > SCRATCH/colour
          hang:
            runs-on: [self-hosted, red]
            needs: red
            steps:
              - run: echo $$ > SCRATCH/hang.pid && exec sleep 300
          here:
            runs-on: ubuntu-latest
            needs: blue
            steps:
              - run: echo "on the server" > SCRATCH/here

        """

    // Servers, runners and step processes load the machine, and heartbeats are timed: the heavy tests take turns (the
    // time limits count the wait for a turn).
    @Test(.timeLimit(.minutes(20))) func jobsGoToTheirRunnerAndALostRunnerFailsOnlyItsJob() async throws {
        try await HeavyTests.exclusively {
            try await RunnerWorld.with(workflow: Self.workflow) { world in try await jobsGoToTheirRunner(world) }
        }
    }

    func jobsGoToTheirRunner(_ world: RunnerWorld) async throws {
        let (scratch, server, project, repository, sha) = (world.scratch, world.server, world.project, world.repository, world.sha)
        let secret = try await server.request(
            .PUT, "/api/v1/projects/\(project)/secrets/TOKEN", body: #"{"value":"hush-\#(UUID().uuidString)"}"#)
        #expect(secret.status < 300, "\(secret.body)")

        // Registered with the CLI: the token is printed once; a made-up token is refused without a word about what exists.
        let cli = ["SLIPWAY_SERVER": server.url, "SLIPWAY_TOKEN": server.adminToken]
        func slipway(_ arguments: [String], _ name: String) async throws -> String {
            let process = try await ChildProcess.start(ServerProcess.slipway, arguments, environment: cli, log: scratch + "/\(name).log")
            #expect(try await process.end(within: .seconds(60)) == .exited(0), "\(arguments): \(process.output)")
            return process.output.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        var runners: [String: ChildProcess] = [:]
        for colour in ["red", "blue"] {
            let token = try await slipway(["server", "runners", "add", "runner-\(colour)"], "add-\(colour)")
            #expect(token.hasPrefix("slr_") && !token.contains("\n"), "\(token)")
            let tokenFile = scratch + "/\(colour).token"
            try Data(token.utf8).write(to: URL(fileURLWithPath: tokenFile))
            // One runner reads its token from a file, the other from the environment.
            runners[colour] = try await world.startRunner(
                colour, ["--labels", colour] + (colour == "red" ? ["--token-file", tokenFile] : []),
                environment: colour == "blue" ? ["SLIPWAY_RUNNER_TOKEN": token] : [:])
        }
        let table = try await slipway(["server", "runners", "list"], "list")
        #expect(table.contains("runner-red") && table.contains("runner-blue") && !table.contains("slr_"), "\(table)")
        let refused = try await server.request(
            .POST, "/api/v1/runner/jobs/request", headers: [("Authorization", "Bearer slr_0123")], body: #"{"labels":[],"waitSeconds":0}"#)
        #expect(refused.status == 401)
        let listed = try await server.request(.GET, "/api/v1/runners")
        #expect(listed.array?.count == 2 && !listed.body.contains("hash"), "\(listed.body)")

        let pushed = try await server.push(repository: repository.path, sha: sha, delivery: "runners-1", secret: ServerEndToEndTests.secret)
        #expect(pushed.status == 202, "\(pushed.body)")
        // The red runner is killed while its second job runs; the blue one goes on.
        try await Deadline.within(.seconds(90), "the hang job to start on the red runner") {
            while !FileManager.default.fileExists(atPath: scratch + "/hang.pid") { try await Task.sleep(for: .milliseconds(50)) }
        }
        runners["red"]?.kill9()
        let runs = try await server.until("the run to end", within: .seconds(120), "/api/v1/runs?project=\(project)") { answer in
            (answer.array?.first?["status"] as? String) == "completed"
        }
        let runID = try #require(runs.array?.first?["id"] as? Int)
        let run = try await server.request(.GET, "/api/v1/runs/\(runID)")
        let jobs = Dictionary(
            (run.object?["jobs"] as? [[String: Any]] ?? []).map { ($0["job_id"] as? String ?? "", $0) }, uniquingKeysWith: { a, _ in a })
        #expect(run.object?["conclusion"] as? String == "failure", "\(run.body)")
        for id in ["red", "blue", "after-blue", "here"] {
            #expect(jobs[id]?["conclusion"] as? String == "success", "\(id): \(run.body)")
        }
        #expect(jobs["hang"]?["conclusion"] as? String == "failure")
        let reason = jobs["hang"]?["failure_reason"] as? String ?? ""
        #expect(reason.contains("runner-red stopped answering: no heartbeat"), "\(reason)")

        func read(_ name: String) -> String {
            ((try? String(contentsOfFile: scratch + "/" + name, encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        }
        #expect(read("red-runner") == "runner-red")
        #expect(read("run-id") == "\(runID)", "github.run_id is the run's id")
        #expect(read("blue-runner") == "runner-blue")
        #expect(read("downloaded") == "made on blue")
        #expect(read("colour") == "blue")
        #expect(read("here") == "on the server")

        // The runner's log lines are the run's log, masked; the secret appears nowhere.
        let logs = try await server.request(.GET, "/api/v1/runs/\(runID)/logs")
        #expect(logs.body.contains("red says ***"), "\(logs.body)")
        #expect(logs.body.contains("🏃 runner runner-blue"), "\(logs.body)")
        #expect(!logs.body.contains("hush-"))
        let blueLog = runners["blue"]?.output ?? ""
        #expect(!blueLog.contains("hush-") && !blueLog.contains("slr_"), "neither the run's secret nor the runner's token: \(blueLog)")

        // Removing a runner revokes its token: the blue runner is refused and stops.
        let blueID = try #require(listed.array?.first { $0["name"] as? String == "runner-blue" }?["id"] as? Int)
        #expect(try await slipway(["server", "runners", "remove", "\(blueID)"], "remove") == "removed runner \(blueID)")
        let end = try await runners["blue"]?.end(within: .seconds(30))
        #expect(end != nil && end != .exited(0), "\(runners["blue"]?.output ?? "")")
        #expect(runners["blue"]?.output.contains("refused the runner's token") == true, "\(runners["blue"]?.output ?? "")")

        // A runner waiting for a job (its request held up to 10 s) does not hold up the server's stop.
        let idleToken = try await slipway(["server", "runners", "add", "idle"], "add-idle")
        try Data(idleToken.utf8).write(to: URL(fileURLWithPath: scratch + "/idle.token"))
        _ = try await world.startRunner("idle", ["--token-file", scratch + "/idle.token"])
        _ = try await server.until("the idle runner to ask for work", "/api/v1/runners") { answer in
            answer.array?.contains { $0["name"] as? String == "idle" && $0["last_seen_at"] is String } == true
        }
        server.process.terminate()
        #expect(try await server.process.end(within: .seconds(6)) == .exited(0), "\(server.process.output)")
    }
}

extension ServerRunnerTests {
    static let hangWorkflow = """
        on: push
        jobs:
          hang:
            runs-on: [self-hosted]
            steps:
              - run: echo $$ > SCRATCH/hang-${{ github.sha }}.pid && exec sleep 300

        """

    /// A runner stopped with SIGTERM reports its job cancelled; a runner whose server went away stops its job (the step's
    /// processes end) instead of running on for a job the server gives up.
    @Test(.timeLimit(.minutes(20))) func aStoppedRunnerOrAGoneServerStopsTheJob() async throws {
        try await HeavyTests.exclusively {
            try await RunnerWorld.with(workflow: Self.hangWorkflow) { world in try await aStoppedRunnerOrAGoneServer(world) }
        }
    }

    func aStoppedRunnerOrAGoneServer(_ world: RunnerWorld) async throws {
        let (scratch, server, project, repository, sha) = (world.scratch, world.server, world.project, world.repository, world.sha)
        let added = try await server.request(.POST, "/api/v1/runners", body: #"{"name":"solo"}"#)
        let tokenFile = scratch + "/solo.token"
        try Data(try #require(added.object?["token"] as? String).utf8).write(to: URL(fileURLWithPath: tokenFile))
        func startRunner(_ name: String) async throws -> ChildProcess { try await world.startRunner(name, ["--token-file", tokenFile]) }
        func stepStarted(_ sha: String) async throws -> Int32 {
            let file = scratch + "/hang-\(sha).pid"
            let pid = try await Deadline.within(.seconds(90), "the step to start") { () -> Int32 in
                while true {
                    if let text = try? String(contentsOfFile: file, encoding: .utf8),
                        let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
                    {
                        return pid
                    }
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
            return pid
        }
        func ends(_ pid: Int32, _ log: @autoclosure () -> String) async throws {
            do {
                try await Deadline.within(.seconds(30), "the step's process \(pid) to end") {
                    while kill(pid, 0) == 0 { try await Task.sleep(for: .milliseconds(50)) }
                }
            } catch {
                Issue.record("\(error); the runner's log:\n\(log())")
                throw error
            }
        }

        // SIGTERM to the runner: the job is cancelled, reported, and the run ends with it.
        let first = try await startRunner("first")
        let pushed = try await server.push(repository: repository.path, sha: sha, delivery: "stop-1", secret: ServerEndToEndTests.secret)
        #expect(pushed.status == 202, "\(pushed.body)")
        let firstStep = try await stepStarted(sha)
        first.terminate()
        #expect(try await first.end(within: .seconds(30)) == .exited(0), "\(first.output)")
        try await ends(firstStep, "\(first.output)")
        let runs = try await server.until("the run to end", "/api/v1/runs?project=\(project)") { answer in
            (answer.array?.first?["status"] as? String) == "completed"
        }
        let runID = try #require(runs.array?.first?["id"] as? Int)
        let run = try await server.request(.GET, "/api/v1/runs/\(runID)")
        let job = (run.object?["jobs"] as? [[String: Any]])?.first
        #expect(job?["conclusion"] as? String == "cancelled", "\(run.body)")

        // The server goes away mid-job: the runner stops the job after three missed beats.
        let second = try await startRunner("second")
        try repository.write("README.md", "again\n")
        try repository.commitAll("again")
        let next = try String(contentsOfFile: repository.path + "/.git/refs/heads/main", encoding: .utf8).trimmingCharacters(
            in: .whitespacesAndNewlines)
        let again = try await server.push(repository: repository.path, sha: next, delivery: "stop-2", secret: ServerEndToEndTests.secret)
        #expect(again.status == 202, "\(again.body)")
        let secondStep = try await stepStarted(next)
        server.process.kill9()
        try await ends(secondStep, "\(second.output)")
        #expect(second.output.contains("the server has not answered"), "\(second.output)")
    }
}

extension ServerRunnerTests {
    /// Replicas on PostgreSQL: a runner served by one replica runs the job of a delivery the other replica runs — the
    /// queue, the log lines and the result go through the database.
    @Test(.timeLimit(.minutes(20))) func aRunnerServedByOneReplicaRunsTheOthersJob() async throws {
        try await HeavyTests.exclusively { try await Self.aRunnerServedByOneReplica() }
    }

    static func aRunnerServedByOneReplica() async throws {
        try await ReplicaWorld.with(
            workflow: """
                on: push
                jobs:
                  far:
                    runs-on: [self-hosted, far]
                    steps:
                      - run: echo "hello from $RUNNER_NAME"

                """
        ) { world in
            let servers = [try await world.start("a"), try await world.start("b")]
            let project = try await ServerEndToEndTests.addProject(servers[0], repository: world.repository.path)
            let accepted = try await servers[0].push(
                repository: world.repository.path, sha: world.sha, delivery: "far-1", secret: ServerEndToEndTests.secret)
            let delivery = try #require(accepted.object?["delivery_id"] as? Int, "\(accepted.body)")
            let owner = try await world.owner(ofDelivery: delivery)
            let other = try #require(servers.first { Int64($0.process.pid) != owner }, "the replica not running the delivery")
            let added = try await other.request(.POST, "/api/v1/runners", body: #"{"name":"far-runner"}"#)
            let tokenFile = world.root + "/far.token"
            try Data(try #require(added.object?["token"] as? String, "\(added.body)").utf8).write(to: URL(fileURLWithPath: tokenFile))
            let runner = try await ChildProcess.start(
                ServerProcess.slipway,
                [
                    "runner", "--server", other.url, "--token", try String(contentsOfFile: tokenFile, encoding: .utf8), "--labels", "far",
                    "--work", world.root + "/runner-work", "--once",
                ],
                log: world.root + "/runner.log")
            defer { runner.kill9() }
            let runs = try await servers[0].until("the run to end", within: .seconds(120), "/api/v1/runs?project=\(project)") { answer in
                (answer.array?.first?["status"] as? String) == "completed"
            }
            #expect(runs.array?.first?["conclusion"] as? String == "success", "\(runs.body)\n\(runner.output)")
            let runID = try #require(runs.array?.first?["id"] as? Int)
            let logs = try await other.request(.GET, "/api/v1/runs/\(runID)/logs")
            #expect(logs.body.contains("🏃 runner far-runner") && logs.body.contains("hello from far-runner"), "\(logs.body)")
            #expect(try await runner.end(within: .seconds(30)) == .exited(0), "--once: the runner ends after its job: \(runner.output)")
            #expect(!runner.output.contains("slr_"), "the runner's token is never printed")
        }
    }
}
