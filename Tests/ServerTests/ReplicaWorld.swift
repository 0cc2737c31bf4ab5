import Foundation
import SlipwayTesting
import Store
import Testing

/// PostgreSQL 15 (started on 127.0.0.1 in a scratch directory) and `slipway server` processes on it, for a test: a
/// repository whose workflow the test gives, servers started on demand with data directories of their own (sharing the
/// first one's sealing key, as replicas must), and everything stopped by PID at the end, whether the test passed or threw.
final class ReplicaWorld {
    let root: String
    let postgres: PostgresServer
    let data: String
    let repository: TemporaryRepository
    let sha: String
    /// The database started again after the test stopped it.
    var restartedPostgres: PostgresServer?
    private(set) var servers: [ServerProcess] = []
    private var directories: [String] = []

    private init(root: String, postgres: PostgresServer, data: String, repository: TemporaryRepository, sha: String) {
        self.root = root
        self.postgres = postgres
        self.data = data
        self.repository = repository
        self.sha = sha
    }

    /// `--database URL --database-password-file FILE`.
    var database: [String] { ["--database", postgres.url(), "--database-password-file", postgres.passwordFile] }

    /// Runs `body` over a new world whose repository's workflow is `workflow`, with `SCRATCH` in it replaced by a scratch
    /// directory for the test's marks (`root`); a machine without PostgreSQL records that the test did not run.
    static func with(workflow: String, _ body: (ReplicaWorld) async throws -> Void) async throws {
        guard PostgresServer.isInstalled else {
            Issue.record("PostgreSQL 15 is not installed (scripts/setup installs Debian's postgresql-15): this test did not run")
            return
        }
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-replicas-\(UUID().uuidString.prefix(8))").path
        let postgres = try await PostgresServer.start(in: root + "/postgres")
        let world: ReplicaWorld
        do {
            let (data, repository, sha) = try ServerEndToEndTests.setUp(workflow: workflow.replacingOccurrences(of: "SCRATCH", with: root))
            try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
            world = ReplicaWorld(root: root, postgres: postgres, data: data, repository: repository, sha: sha)
        } catch {
            await postgres.stop()
            try? FileManager.default.removeItem(atPath: root)
            throw error
        }
        do {
            try await body(world)
        } catch {
            await world.stop()
            throw error
        }
        await world.stop()
    }

    /// Starts a server over `DATA/name` on the database.
    @discardableResult
    func start(_ name: String, workers: Int = 2, arguments: [String] = ["--poll-interval", "0"]) async throws -> ServerProcess {
        let directory = data + "/" + name
        if let first = directories.first, first != directory, !FileManager.default.fileExists(atPath: directory + "/secret.key") {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try FileManager.default.copyItem(atPath: first + "/secret.key", toPath: directory + "/secret.key")
        }
        let server = try await ServerProcess.start(directory, workers: workers, arguments: database + arguments)
        servers.append(server)
        directories.append(directory)
        return server
    }

    /// The pid of the replica that took `delivery`, once one has.
    func owner(ofDelivery delivery: Int) async throws -> Int64 {
        let store = try PostgresStoreDatabase(try PostgresLocation(parsing: postgres.url()), password: postgres.password)
        defer { store.close() }
        return try await Deadline.within(.seconds(60), "a replica to take the delivery") { () -> Int64 in
            while true {
                let pid = try store.read { db in
                    try db.scalar(
                        """
                        SELECT serverReplica.pid FROM serverEvent JOIN serverReplica ON serverReplica.id = serverEvent.owner
                        WHERE serverEvent.id = ?
                        """, delivery)?.integer
                }
                if let pid { return pid }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    /// Stops the servers (SIGTERM, SIGKILL when one does not end in 30 s) and the database, and removes every file.
    private func stop() async {
        for server in servers {
            server.process.terminate()
            if (try? await server.process.end(within: .seconds(30))) == nil { server.process.kill9() }
        }
        await postgres.stop()
        await restartedPostgres?.stop()
        repository.remove()
        try? FileManager.default.removeItem(atPath: data)
        try? FileManager.default.removeItem(atPath: root)
    }
}
