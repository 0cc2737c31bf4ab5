import Core
import Foundation

/// Debian's PostgreSQL 15, started for a test in a temporary data directory on 127.0.0.1 and stopped by PID. Password
/// authentication (SCRAM) for the user `slipway`, whose password is in `passwordFile`. PostgreSQL takes no port 0: a
/// port the kernel just handed out is tried, and another one when something took it meanwhile.
public final class PostgresServer: Sendable {
    public static let binaries = "/usr/lib/postgresql/15/bin"
    public static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: binaries + "/postgres") }

    public let directory: String
    public let port: Int
    public let user = "slipway"
    public let passwordFile: String
    public let process: ChildProcess

    private init(directory: String, port: Int, passwordFile: String, process: ChildProcess) {
        self.directory = directory
        self.port = port
        self.passwordFile = passwordFile
        self.process = process
    }

    public var pid: pid_t { process.pid }

    /// `postgres://slipway@127.0.0.1:PORT/DATABASE?sslmode=disable`.
    public func url(database: String = "slipway") -> String { "postgres://\(user)@127.0.0.1:\(port)/\(database)?sslmode=disable" }

    public var password: String {
        ((try? String(contentsOfFile: passwordFile, encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Creates the data directory under `directory` and starts the server (as the `postgres` user when run as root:
    /// PostgreSQL refuses root).
    public static func start(in directory: String) async throws -> PostgresServer {
        guard isInstalled else { throw ChildProcess.Failure(description: "PostgreSQL 15 is not installed (scripts/setup installs it)") }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let passwordFile = directory + "/password"
        try Data((UUID().uuidString + "\n").utf8).write(to: URL(fileURLWithPath: passwordFile))
        let data = directory + "/data"
        let asUser: [String] = getuid() == 0 ? ["/usr/bin/setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"] : []
        if getuid() == 0 {
            let owned = try await CapturedCommand.run("chown", ["-R", "postgres:postgres", directory], timeout: .seconds(30))
            guard owned.succeeded else { throw ChildProcess.Failure(description: "chown \(directory): \(owned.standardError)") }
        }
        let initdb =
            asUser + [
                binaries + "/initdb", "-D", data, "-U", "slipway", "--pwfile=\(passwordFile)", "--auth=scram-sha-256", "--locale=C",
                "--encoding=UTF8", "--no-sync",
            ]
        let initialized = try await CapturedCommand.run(initdb[0], Array(initdb.dropFirst()), timeout: .seconds(120))
        guard initialized.succeeded else {
            throw ChildProcess.Failure(description: "initdb failed: \(initialized.standardError.suffix(1000))")
        }
        var lastFailure = ""
        for attempt in 0..<5 {
            let port = try freePort()
            let process: ChildProcess
            do {
                process = try await launch(directory: directory, port: port, log: "\(directory)/postgres-\(attempt).log")
            } catch let failure as ChildProcess.Failure {
                lastFailure = failure.description
                if lastFailure.contains("could not bind") || lastFailure.contains("Address already in use") { continue }
                throw failure
            }
            let server = PostgresServer(directory: directory, port: port, passwordFile: passwordFile, process: process)
            try await server.createDatabase("slipway")
            return server
        }
        throw ChildProcess.Failure(description: "PostgreSQL found no free port: \(lastFailure.suffix(1500))")
    }

    /// Starts `postgres` over the data directory on `port` and waits until it accepts connections.
    static func launch(directory: String, port: Int, log: String) async throws -> ChildProcess {
        let asUser: [String] = getuid() == 0 ? ["/usr/bin/setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"] : []
        let command =
            asUser + [
                binaries + "/postgres", "-D", directory + "/data", "-p", "\(port)", "-c", "listen_addresses=127.0.0.1",
                "-c", "unix_socket_directories=\(directory)", "-c", "fsync=off", "-c", "synchronous_commit=off",
                "-c", "full_page_writes=off", "-c", "max_connections=200",
            ]
        let process = try await ChildProcess.start(command[0], Array(command.dropFirst()), log: log)
        do {
            _ = try await process.waitForOutput(
                matching: "database system is ready to accept connections", within: .seconds(60), "PostgreSQL to accept connections")
            return process
        } catch {
            process.kill9()
            _ = try? await process.end(within: .seconds(10))
            throw ChildProcess.Failure(description: "PostgreSQL did not start: \(process.output.suffix(1500))")
        }
    }

    /// The same server started again on its port (after `stop()`), over the same data.
    public func restarted() async throws -> PostgresServer {
        let log = "\(directory)/postgres-restarted-\(UUID().uuidString.prefix(4)).log"
        let process = try await Self.launch(directory: directory, port: port, log: log)
        return PostgresServer(directory: directory, port: port, passwordFile: passwordFile, process: process)
    }

    /// Creates a database (owned by `slipway`).
    public func createDatabase(_ name: String) async throws {
        let created = try await CapturedCommand.run(
            Self.binaries + "/createdb", ["-h", "127.0.0.1", "-p", "\(port)", "-U", user, name], environment: ["PGPASSWORD": password],
            timeout: .seconds(60))
        guard created.succeeded else { throw ChildProcess.Failure(description: "createdb \(name): \(created.standardError)") }
    }

    /// Stops the server (a fast shutdown: SIGINT ends the sessions) and waits for its end.
    public func stop() async {
        kill(process.pid, SIGINT)
        if (try? await process.end(within: .seconds(30))) == nil {
            process.kill9()
            _ = try? await process.end(within: .seconds(10))
        }
    }

    /// A port on 127.0.0.1 the kernel chose and nothing listens on now.
    static func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw ChildProcess.Failure(description: "socket: errno \(errno)") }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(socket, $0, length) }
        }
        guard bound == 0 else { throw ChildProcess.Failure(description: "bind: errno \(errno)") }
        let named = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        guard named == 0 else { throw ChildProcess.Failure(description: "getsockname: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
