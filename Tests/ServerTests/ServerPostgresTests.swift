import Core
import Foundation
import NIOHTTP1
import SlipwayTesting
import Testing

/// `slipway server --database postgres://…`: the server's state in PostgreSQL 15 (started here on 127.0.0.1, stopped by
/// PID), surviving kill -9 of the server, read by a server with another data directory, and served again once the
/// database is back after it went away.
@Suite struct ServerPostgresTests {
    @Test(.timeLimit(.minutes(4))) func theServersStateLivesInPostgreSQL() async throws {
        try await ReplicaWorld.with(
            workflow: """
                on: push
                jobs:
                  build:
                    runs-on: ubuntu-latest
                    steps:
                      - run: echo "built ${{ github.sha }} with the state in PostgreSQL"

                """
        ) { world in
            let server = try await world.start("first", arguments: [])
            let ready = try await server.request(.GET, "/readyz", token: "")
            #expect(ready.status == 200 && ready.object?["database"] as? String == "postgres", "\(ready.body)")
            let project = try await ServerEndToEndTests.addProject(server, repository: world.repository.path)
            #expect(
                try await server.push(
                    repository: world.repository.path, sha: world.sha, delivery: "pg-1", secret: ServerEndToEndTests.secret
                )
                .status == 202)
            let runs = try await server.until("the run to finish", "/api/v1/runs?project=\(project)") { answer in
                (answer.array?.first?["conclusion"] as? String).map { $0 != "" } ?? false
            }
            #expect(runs.array?.first?["conclusion"] as? String == "success", "\(runs.body) \(server.process.output.suffix(2000))")
            let runId = runs.array?.first?["id"] as? Int ?? 0
            #expect(try await server.request(.GET, "/api/v1/runs/\(runId)/logs").body.contains("with the state in PostgreSQL"))
            #expect(!FileManager.default.fileExists(atPath: world.data + "/first/server.sqlite"), "no SQLite store beside the database")

            // kill -9, and another server over the same database with a data directory of its own.
            server.process.kill9()
            _ = try await server.process.end(within: .seconds(10))
            let other = try await world.start("other", arguments: [])
            let projects = try await other.request(.GET, "/api/v1/projects")
            #expect(projects.array?.map { $0["name"] as? String } == ["app"], "\(projects.body)")
            let kept = try await other.request(.GET, "/api/v1/runs?project=\(project)")
            #expect(kept.array?.map { $0["conclusion"] as? String } == ["success"], "\(kept.body)")
            #expect(try await other.request(.GET, "/readyz", token: "").status == 200)

            // The database goes away: not ready (and nothing of it said to the anonymous prober); back: ready again.
            await world.postgres.stop()
            let down = try await other.request(.GET, "/readyz", token: "")
            #expect(down.status == 503 && down.object?["reason"] as? String == "the database does not answer", "\(down.body)")
            #expect(!down.body.contains("127.0.0.1") && !down.body.contains("slipway@"), "\(down.body)")
            #expect(try await other.request(.GET, "/livez", token: "").status == 200, "alive all the same")
            world.restartedPostgres = try await world.postgres.restarted()
            _ = try await other.until("the server to be ready again", "/readyz") { $0.status == 200 }
            let again = try await other.request(.GET, "/api/v1/projects")
            #expect(again.array?.count == 1, "\(again.body)")

            // A password on the command line is refused before anything starts, without repeating it.
            let refused = try await CapturedCommand.run(
                ServerProcess.slipway,
                [
                    "server", "--data-dir", world.data + "/refused", "--address", "127.0.0.1:0", "--database",
                    "postgres://slipway:hunter2@127.0.0.1:\(world.postgres.port)/slipway",
                ],
                timeout: .seconds(30))
            #expect(!refused.succeeded && refused.standardError.contains("carries a password"), "\(refused.standardError)")
            #expect(!refused.standardError.contains("hunter2"))
        }
    }
}
