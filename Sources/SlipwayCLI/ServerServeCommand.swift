import ArgumentParser
import Core
import Foundation
import Logging
import Server
import Store

/// `slipway server serve` (the default of `slipway server`): the server itself.
struct ServerServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve webhooks and the API; run the workflows that pushes start.",
        discussion: """
            Projects are added with POST /api/v1/projects (docs/api.md). GitHub, GitLab and Gitea webhooks at \
            /api/v1/hooks/{github,gitlab,gitea} are checked against the project's webhook secret and queued once per \
            delivery; queued events run with Slipway's workflow engine and are kept across restarts (an event a killed \
            server left running is failed with the reason "server restarted"). On the first start an admin token is \
            written to DATA-DIR/admin-token (mode 0600); the address is written to DATA-DIR/server.json while serving. \
            A project in a local repository gets a post-receive hook, so a push to it is seen at once; every project \
            is also fetched every --poll-interval seconds (0: never). The applications each project declares in \
            slipway.yaml on its default branch are synced to the local target (--target-data-dir) and released by the \
            canary controller, which takes over releases in progress when the server starts. SIGTERM or SIGINT stops \
            it with exit 0.
            """
    )

    @Option(help: "The server's data directory.")
    var dataDir: String = DataDirectory.path(for: "server")

    @Option(help: "Address to listen on (port 0: the kernel chooses; the address is printed).")
    var address: String = "127.0.0.1:8080"

    @Option(help: "Events run at the same time.")
    var workers: Int = 2

    @Option(help: "Seconds between looks at every project's branches and tags (0: only push hooks and webhooks).")
    var pollInterval: Int = 60

    @Option(
        help:
            "The delivery store of releases and gate decisions (share the one `slipway gitops watch` uses; default DATA-DIR/delivery.sqlite)."
    )
    var deliveryStore: String?

    @Option(
        help: ArgumentHelp(
            "Where the server keeps its state: a SQLite file, or postgres://USER@HOST:PORT/DATABASE[?sslmode=…&sslrootcert=FILE].",
            discussion: """
                Default: DATA-DIR/server.sqlite (and the delivery store). With a database, releases and gate decisions are kept \
                in it too. sslmode is disable, prefer (the default), require or verify-full. The password is never part \
                of the URL: --database-password-file, or the environment variable SLIPWAY_DATABASE_PASSWORD.
                """,
            valueName: "PATH|URL"))
    var database: String?

    @Option(help: "A file whose first line is the database's password (keep it mode 0600).")
    var databasePasswordFile: String?

    @Option(help: "The local target the projects' applications are deployed to (`slipway local`'s data directory).")
    var targetDataDir: String = DataDirectory.path(for: "local")

    @Flag(help: "Run no sync or canary controllers (webhooks, runs and the API only).")
    var noTarget = false

    @Option(
        name: .customLong("repo-map"),
        help: ArgumentHelp(
            "Where workflows find another repository they check out, as with `slipway run` (repeatable).",
            discussion: "A project's own repository is found by the owner/name its URL or path ends with.",
            valueName: "owner/name=PATH|URL"))
    var repoMaps: [String] = []

    @Option(help: "Seconds a runner may stay silent while it runs a job before the job is failed.")
    var runnerHeartbeatTimeout: Double = 60

    func run() async throws {
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]), (0...65535).contains(port)
        else {
            throw ValidationError("--address must be HOST:PORT, not '\(address)'")
        }
        guard workers >= 1 else { throw ValidationError("--workers must be at least 1") }
        guard runnerHeartbeatTimeout >= 1 else { throw ValidationError("--runner-heartbeat-timeout must be at least 1 second") }
        guard pollInterval >= 0 else { throw ValidationError("--poll-interval must be 0 or more seconds") }
        let host = String(address[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if port != 0 {
            do { try PortClaim.check(port, host: host, purpose: "the server") } catch { throw CommandFailure(error.description) }
        }
        var configured = SlipwayServer(dataDirectory: dataDir, host: host, port: port, workers: workers, deliveryStorePath: deliveryStore)
        configured.pollInterval = pollInterval == 0 ? nil : .seconds(pollInterval)
        configured.runnerHeartbeatTimeout = .milliseconds(Int64(runnerHeartbeatTimeout * 1000))
        configured.targetDataDirectory = noTarget ? nil : targetDataDir
        do { configured.repositoryMap = try parsePairs(repoMaps, what: "--repo-map") } catch {
            throw ValidationError(error.description)
        }
        // Push hooks run this very executable.
        configured.hookExecutable =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments.first
        if let database {
            guard deliveryStore == nil else {
                throw ValidationError("--delivery-store and --database exclude each other: with a database, releases are kept in it")
            }
            do {
                let location = try StoreLocation(parsing: database)
                configured.database = try location.open(password: try StoreLocation.password(file: databasePasswordFile))
            } catch let error as StoreDatabaseError {
                throw CommandFailure(error.description)
            }
        } else if databasePasswordFile != nil {
            throw ValidationError("--database-password-file needs --database postgres://…")
        }
        let server = configured
        var logger = Logger(label: "slipway.server")
        logger.logLevel = .warning
        do {
            try await server.run(logger: logger) { url in
                let line = "slipway server listening on \(url) (data: \(server.dataDirectory); admin token: \(server.adminTokenPath))\n"
                FileHandle.standardOutput.write(Data(line.utf8))
            }
        } catch let error as ServerError {
            throw CommandFailure(error.description)
        }
    }
}
