import Core
import Foundation
import NIOHTTP1
import SlipwayTesting
import Testing

/// `slipway server --database postgres://…`: the server's state in PostgreSQL 15 (started here on 127.0.0.1, stopped by
/// PID), surviving kill -9 of the server and read by a server with another data directory.
@Suite struct ServerPostgresTests {
    @Test(.timeLimit(.minutes(4))) func theServersStateLivesInPostgreSQL() async throws {
        guard PostgresServer.isInstalled else {
            Issue.record("PostgreSQL 15 is not installed (scripts/setup installs Debian's postgresql-15): this test did not run")
            return
        }
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-server-pg-\(UUID().uuidString.prefix(8))").path
        let postgres = try await PostgresServer.start(in: root + "/postgres")
        let (data, repository, sha) = try ServerEndToEndTests.setUp(
            workflow: """
                on: push
                jobs:
                  build:
                    runs-on: ubuntu-latest
                    steps:
                      - run: echo "built ${{ github.sha }} with the state in PostgreSQL"

                """)
        defer {
            repository.remove()
            try? FileManager.default.removeItem(atPath: data)
        }
        var servers: [ServerProcess] = []
        do {
            let database = ["--database", postgres.url(), "--database-password-file", postgres.passwordFile]
            let server = try await ServerProcess.start(data, arguments: database)
            servers.append(server)
            let ready = try await server.request(.GET, "/readyz", token: "")
            #expect(ready.status == 200 && ready.object?["database"] as? String == "postgres", "\(ready.body)")
            let project = try await ServerEndToEndTests.addProject(server, repository: repository.path)
            #expect(
                try await server.push(repository: repository.path, sha: sha, delivery: "pg-1", secret: ServerEndToEndTests.secret).status
                    == 202)
            let runs = try await server.until("the run to finish", "/api/v1/runs?project=\(project)") { answer in
                (answer.array?.first?["conclusion"] as? String).map { $0 != "" } ?? false
            }
            #expect(runs.array?.first?["conclusion"] as? String == "success", "\(runs.body) \(server.process.output.suffix(2000))")
            let runId = runs.array?.first?["id"] as? Int ?? 0
            #expect(try await server.request(.GET, "/api/v1/runs/\(runId)/logs").body.contains("with the state in PostgreSQL"))
            #expect(!FileManager.default.fileExists(atPath: data + "/server.sqlite"), "no SQLite store beside the database")

            // kill -9, and another server over the same database with a data directory of its own.
            server.process.kill9()
            _ = try await server.process.end(within: .seconds(10))
            let other = try await ServerProcess.start(data + "-other", arguments: database)
            servers.append(other)
            defer { try? FileManager.default.removeItem(atPath: data + "-other") }
            let projects = try await other.request(.GET, "/api/v1/projects")
            #expect(projects.array?.map { $0["name"] as? String } == ["app"], "\(projects.body)")
            let kept = try await other.request(.GET, "/api/v1/runs?project=\(project)")
            #expect(kept.array?.map { $0["conclusion"] as? String } == ["success"], "\(kept.body)")
            #expect(try await other.request(.GET, "/readyz", token: "").status == 200)

            // A password on the command line is refused before anything starts, without repeating it.
            let refused = try await CapturedCommand.run(
                ServerProcess.slipway,
                [
                    "server", "--data-dir", data + "-refused", "--address", "127.0.0.1:0", "--database",
                    "postgres://slipway:hunter2@127.0.0.1:\(postgres.port)/slipway",
                ],
                timeout: .seconds(30))
            #expect(!refused.succeeded && refused.standardError.contains("carries a password"), "\(refused.standardError)")
            #expect(!refused.standardError.contains("hunter2"))
        } catch {
            for server in servers { server.process.kill9() }
            await postgres.stop()
            try? FileManager.default.removeItem(atPath: root)
            throw error
        }
        for server in servers {
            server.process.terminate()
            _ = try? await server.process.end(within: .seconds(30))
        }
        await postgres.stop()
        try? FileManager.default.removeItem(atPath: root)
    }
}
