import Core
import Foundation
import NIOHTTP1
import Server
import SlipwayTesting
import Store
import Testing

/// Two `slipway server` replicas on one PostgreSQL 15 database (started here on 127.0.0.1, stopped by PID): deliveries
/// and triggered GitLab pipelines sent to either are each run once by one of them; a live log is followed on the replica that does not run it; when
/// the leader is killed with -9 the other takes its place.
@Suite struct ServerReplicaTests {
    static let leads = "leads: starting the controllers"

    @Test(.timeLimit(.minutes(20))) func twoReplicasRunEveryDeliveryOnceAndReplaceADeadLeader() async throws {
        // 200 runs on two servers load the machine: not beside the tests that time what they see.
        try await HeavyTests.exclusively { try await Self.twoReplicas() }
    }

    static func twoReplicas() async throws {
        try await ReplicaWorld.with(
            workflow: """
                on: push
                jobs:
                  quick:
                    runs-on: ubuntu-latest
                    steps:
                      - run: echo "${{ github.sha }}" >> SCRATCH/executions

                """
        ) { world in
            let servers = [try await world.start("a"), try await world.start("b")]
            let (repository, sha) = (world.repository.path, world.sha)
            let project = try await ServerEndToEndTests.addProject(servers[0], repository: repository)
            // A second project runs GitLab pipelines, started through the trigger API of either replica.
            let gitlab = try TemporaryRepository.make()
            defer { gitlab.remove() }
            try gitlab.write(".gitlab-ci.yml", "count:\n  script:\n    - echo \"$CI_PIPELINE_ID\" >> \(world.root)/pipelines\n")
            try gitlab.commitAll("ci")
            let added = try await servers[0].request(
                .POST, "/api/v1/projects", body: #"{"name":"pipelines","repository":"\#(gitlab.path)"}"#)
            let pipelineProject = try #require(added.object?["id"] as? Int, "\(added.body)")
            let created = try await servers[0].request(
                .POST, "/api/v4/projects/\(pipelineProject)/triggers",
                headers: [("PRIVATE-TOKEN", servers[0].adminToken), ("Content-Type", "application/x-www-form-urlencoded")],
                body: "description=replicas")
            let trigger = try #require(created.object?["token"] as? String, "\(created.body)")

            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<200 {
                    let server = servers[index % 2]
                    group.addTask {
                        try await server.push(repository: repository, sha: sha, delivery: "r-\(index)", secret: ServerEndToEndTests.secret)
                            .status
                    }
                    group.addTask {
                        try await server.request(
                            .POST, "/api/v4/projects/\(pipelineProject)/trigger/pipeline",
                            headers: [("Content-Type", "application/x-www-form-urlencoded")], body: "token=\(trigger)&ref=main"
                        ).status
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 202 || $0 == 201 }.count == 400, "\(statuses.filter { $0 != 202 && $0 != 201 }.prefix(3))")
            let done = try await servers[1].until(
                "200 deliveries to finish", within: .seconds(300), "/api/v1/deliveries?project=\(project)&limit=500"
            ) { answer in
                let rows = answer.array ?? []
                return rows.count == 200 && rows.allSatisfy { ["completed", "failed"].contains($0["state"] as? String) }
            }
            let rows = done.array ?? []
            #expect(
                rows.allSatisfy { $0["state"] as? String == "completed" },
                "\(rows.filter { $0["state"] as? String != "completed" }.prefix(3))")
            let runs = try await servers[0].request(.GET, "/api/v1/runs?project=\(project)&limit=500").array ?? []
            #expect(runs.count == 200 && Set(runs.compactMap { $0["delivery_id"] as? Int }).count == 200, "one run per delivery")
            let executions = (try String(contentsOfFile: world.root + "/executions", encoding: .utf8)).split(separator: "\n")
            #expect(executions.count == 200, "the step executed once per delivery: \(executions.count) times")
            let store = try PostgresStoreDatabase(try PostgresLocation(parsing: world.postgres.url()), password: world.postgres.password)
            defer { store.close() }
            let pipelines = try await Deadline.within(.seconds(300), "200 triggered pipelines to finish") { () -> [String: Int64] in
                while true {
                    let counts = try store.read { db in
                        try db.query("SELECT status, COUNT(*) AS n FROM pipeline WHERE projectId = ? GROUP BY status", pipelineProject)
                            .reduce(into: [String: Int64]()) { $0[$1["status"].text ?? ""] = $1["n"].integer ?? 0 }
                    }
                    if counts.values.reduce(0, +) == 200, counts.keys.allSatisfy({ !["created", "pending", "running"].contains($0) }) {
                        return counts
                    }
                    try await Task.sleep(for: .milliseconds(200))
                }
            }
            #expect(pipelines == ["success": 200], "every triggered pipeline ran and passed: \(pipelines)")
            let ran = (try String(contentsOfFile: world.root + "/pipelines", encoding: .utf8)).split(separator: "\n")
            #expect(
                ran.count == 200 && Set(ran).count == 200, "each pipeline's job ran once: \(ran.count) times, \(Set(ran).count) pipelines")
            let owners = try store.read { db in
                try db.query("SELECT owner, COUNT(*) AS taken FROM serverEvent GROUP BY owner").map { $0["taken"].integer ?? 0 }
            }
            #expect(owners.count == 2 && owners.allSatisfy { $0 > 0 }, "both replicas took deliveries: \(owners)")

            // One of them leads (runs the controllers); killed with -9, the other leads within 10 s.
            let leader = try await Deadline.within(.seconds(30), "a replica to lead") { () -> Int in
                while true {
                    if let index = servers.firstIndex(where: { $0.process.output.contains(Self.leads) }) { return index }
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
            let survivor = servers[1 - leader]
            #expect(!survivor.process.output.contains(Self.leads), "one leader at a time")
            servers[leader].process.kill9()
            _ = try await servers[leader].process.end(within: .seconds(10))
            _ = try await survivor.process.waitForOutput(matching: Self.leads, within: .seconds(10), "the other replica to lead")
            // The dead replica is ended, and work goes on.
            _ = try await survivor.process.waitForOutput(matching: "ended replica", within: .seconds(30), "the dead replica to be ended")
            #expect(
                try await survivor.push(repository: repository, sha: sha, delivery: "r-after", secret: ServerEndToEndTests.secret).status
                    == 202)
            _ = try await survivor.until("the delivery after the failover to run", "/api/v1/runs?project=\(project)&limit=500") {
                ($0.array ?? []).count == 201 && ($0.array ?? []).allSatisfy { ($0["conclusion"] as? String) == "success" }
            }
        }
    }

    /// A browser on the replica that does not run a delivery follows its live log: every line once, in order, then its
    /// end (LISTEN/NOTIFY tells the reader's replica of the lines the other one stores).
    @Test(.timeLimit(.minutes(4))) func aLiveLogIsFollowedOnTheOtherReplica() async throws {
        try await ReplicaWorld.with(
            workflow: """
                on: push
                jobs:
                  talk:
                    runs-on: ubuntu-latest
                    steps:
                      - run: |
                          for i in $(seq 1 10); do echo "line $i"; done
                          while [ ! -f SCRATCH/gate ]; do sleep 0.05; done
                          for i in $(seq 11 30); do echo "line $i"; done

                """
        ) { world in
            let servers = [try await world.start("a"), try await world.start("b")]
            _ = try await ServerEndToEndTests.addProject(servers[0], repository: world.repository.path)
            let accepted = try await servers[0].push(
                repository: world.repository.path, sha: world.sha, delivery: "live-1", secret: ServerEndToEndTests.secret)
            let delivery = try #require(accepted.object?["delivery_id"] as? Int, "\(accepted.body)")

            // Which replica took it: its process id, from the replica that owns the event.
            let runner = try await world.owner(ofDelivery: delivery)
            let reader = try #require(servers.first { Int64($0.process.pid) != runner }, "the other replica")
            #expect(servers.contains { Int64($0.process.pid) == runner })
            let url = reader.url + "/api/v1/deliveries/\(delivery)/logs"
            let first = try await EventStreamClient.read(url, token: reader.adminToken) { $0.data.contains("line 10\"") }
            FileManager.default.createFile(atPath: world.root + "/gate", contents: Data())
            let second = try await EventStreamClient.read(url, token: reader.adminToken, lastEventID: first.events.last?.id) {
                $0.name == "done"
            }
            let texts = (first.events + second.events).filter { $0.name == "log" }.compactMap { event -> String? in
                let object = try? JSONSerialization.jsonObject(with: Data(event.data.utf8)) as? [String: Any]
                return (object?["text"] as? String).flatMap { $0.hasPrefix("  | line ") ? String($0.dropFirst(4)) : nil }
            }
            #expect(texts == (1...30).map { "line \($0)" }, "\(texts)")
            #expect(second.events.last?.data.contains(#""state":"completed""#) == true)
        }
    }
}
