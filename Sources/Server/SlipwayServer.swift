import Core
import Delivery
import Foundation
import Hummingbird
import Identity
import Logging
import OCIRegistry
import Releases
import ServiceLifecycle
import Store

/// `slipway server`: webhooks in, queued events run as workflow runs, and the API, in one process over one data
/// directory (`server.sqlite`, the sealing key, the admin token, project mirrors). SIGTERM or SIGINT stops it: the
/// listener closes, runs in progress are cancelled and their events failed with the reason.
public struct SlipwayServer: Sendable {
    public var dataDirectory: String
    public var host: String
    public var port: Int
    /// Events run at the same time.
    public var workers: Int
    /// The delivery store whose releases the API shows and where gate decisions go (the one `slipway gitops watch`
    /// writes, to share it); `DATA-DIR/delivery.sqlite` by default.
    public var deliveryStorePath: String
    /// How often every project is fetched to find pushes no webhook reported; nil: never (push hooks still work).
    public var pollInterval: Duration?
    /// The local target the projects' applications are synced to and released on (`slipway local`'s data directory);
    /// nil: no sync or canary controllers run.
    public var targetDataDirectory: String?
    /// The `slipway` executable push hooks run (`slipway server notify`); nil: no hooks are installed.
    public var hookExecutable: String?
    /// Repositories the projects' workflows check out by `owner/name` (`actions/checkout` with `repository:`), as
    /// `slipway run --repo-map` maps them; a project's own repository is found by the `owner/name` it ends with.
    public var repositoryMap: [String: String] = [:]
    /// The database the server keeps its state in (projects, events, runs, releases), opened by the caller; nil: the
    /// SQLite files in the data directory.
    public var database: (any SQLDatabase)?
    /// How long a runner may stay silent while it runs a job before the job is failed.
    public var runnerHeartbeatTimeout: Duration = .seconds(60)

    public init(dataDirectory: String, host: String = "127.0.0.1", port: Int = 8080, workers: Int = 2, deliveryStorePath: String? = nil) {
        self.dataDirectory = dataDirectory
        self.deliveryStorePath = deliveryStorePath ?? dataDirectory + "/delivery.sqlite"
        pollInterval = .seconds(60)
        self.host = host
        self.port = port
        self.workers = workers
    }

    /// Where the data directory keeps the admin token and, while serving, the server's address (`server.json`).
    public var adminTokenPath: String { dataDirectory + "/admin-token" }
    public var recordPath: String { dataDirectory + "/server.json" }

    /// Serves until a signal or cancellation; `onReady` gets the address it listens on (the port the kernel chose for 0).
    public func run(logger: Logger, onReady: @escaping @Sendable (String) -> Void = { _ in }) async throws {
        let parts = try prepare()
        let router = parts.api.router()
        // The OIDC issuer of the server's jobs lives beside the API: `/.well-known/…` and the token endpoint.
        parts.idTokens.addRoutes(to: router)
        let app = Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: "slipway"),
            onServerRunning: { channel in
                let url = "http://\(host.contains(":") ? "[\(host)]" : host):\(channel.localAddress?.port ?? port)"
                await parts.idTokens.setIssuerURL(url)
                do {
                    let record = try JSONSerialization.data(withJSONObject: ["url": url, "pid": Int(getpid())], options: [.sortedKeys])
                    try AtomicFile.write(record, to: recordPath)
                } catch {
                    logger.error("cannot write \(recordPath): \(error)")
                }
                onReady(url)
            }, logger: logger)
        let group = ServiceGroup(services: [app] + parts.services, logger: logger)
        defer { try? FileManager.default.removeItem(atPath: recordPath) }
        // Cancelling the caller's task (a process embedding the server, as `slipway up` does) stops it as a signal
        // would: gracefully, the listener closed and the runs in progress ended with their reason.
        let running = Task { try await group.runUntilTerminationSignal() }
        do {
            try await withTaskCancellationHandler {
                try await running.value
            } onCancel: {
                Task { await group.triggerGracefulShutdown() }
            }
        } catch is CancellationError {}
    }

    struct Parts {
        var api: ServerAPI
        var worker: EventWorker
        var poller: ProjectPoller
        var supervisor: ApplicationSupervisor
        var feed: ChangeFeed
        var idTokens: IDTokenIssuer
        /// This server as a replica of several on one PostgreSQL database; nil for a SQLite store.
        var replicas: ReplicaService?
        var runnerJobs: RunnerJobDispatcher

        /// The services to run: a replica runs the controllers and the poller only while it leads. Services stop in the
        /// reverse order: runners waiting for jobs are answered first, and a replica stays registered until its worker
        /// has ended the runs it stops.
        var services: [any Service] {
            guard let replicas else { return [worker, feed, poller, supervisor, runnerJobs] }
            return [replicas, worker, feed, runnerJobs]
        }
    }

    /// Opens the store, the sealing key and the admin token (creating them on the first start).
    func prepare() throws -> Parts {
        try FileManager.default.createDirectory(
            atPath: dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let store = try database.map { try ServerStore(database: $0) } ?? ServerStore(path: dataDirectory + "/server.sqlite")
        let secrets = try SecretBox(keyFile: dataDirectory + "/secret.key")
        try bootstrapAdmin(store)
        var logger = Logger(label: "slipway.server.worker")
        logger.logLevel = .warning
        let mirrors = ProjectMirrors(root: dataDirectory + "/mirrors")
        var controllerLogger = Logger(label: "slipway.server.delivery")
        controllerLogger.logLevel = .warning
        let supervisor = ApplicationSupervisor(
            store: store, mirrors: mirrors, targetDataDirectory: targetDataDirectory, deliveryStorePath: deliveryStorePath,
            deliveryDatabase: database, cacheRoot: dataDirectory + "/cache", logger: controllerLogger)
        let idTokens = IDTokenIssuer(
            issuerURL: "http://\(host.contains(":") ? "[\(host)]" : host):\(port)",
            keys: SigningKeys(directory: dataDirectory + "/oidc/keys"))
        let coordination = (database as? PostgresStoreDatabase).map { PostgresCoordination(database: $0, logger: logger) }
        let pid = getpid()
        let replica = ReplicaRow(
            id: TokenAuthority.randomHex(bytes: 8), host: ProcessInfo.processInfo.hostName, pid: Int64(pid),
            processStart: ProcessLiveness.startTicks(pid), startedAt: Date().timeIntervalSince1970)
        // Registered before any service starts: an event this replica takes is never one of an unknown (dead) replica's.
        if coordination != nil { try store.register(replica) }
        let runnerJobs = RunnerJobDispatcher(
            store: store, secrets: secrets, heartbeatTimeout: runnerHeartbeatTimeout, broadcast: { notice in coordination?.notify(notice) },
            logger: logger)
        let worker = EventWorker(
            store: store, mirrors: mirrors, secrets: secrets, dataDirectory: dataDirectory, concurrency: workers, supervisor: supervisor,
            idTokens: idTokens, targetDataDirectory: targetDataDirectory, repositoryMap: repositoryMap, runnerJobs: runnerJobs,
            replica: coordination == nil ? nil : replica.id, broadcast: { notice in coordination?.notify(notice) }, logger: logger)
        let releases = ReleaseRecords(store: try database.map { DeliveryStore(database: $0) } ?? DeliveryStore(path: deliveryStorePath))
        let poller = ProjectPoller(store: store, worker: worker, interval: pollInterval, logger: logger)
        let hooks = hookExecutable.map { ServerAPI.HookSettings(executable: $0, dataDirectory: dataDirectory) }
        let feed = ChangeFeed(
            store: store, releases: releases, announcements: [worker.liveLog.changes, supervisor.syncs],
            statuses: { await supervisor.statusDigest() }, jobProgress: { await worker.liveLog.progressDigest() }, logger: logger)
        let api = ServerAPI(
            store: store, secrets: secrets, worker: worker, releases: releases, poller: poller, supervisor: supervisor, feed: feed,
            registryStorage: try RegistryStorage(root: dataDirectory + "/registry"), runnerJobs: runnerJobs, hooks: hooks)
        var replicaLogger = Logger(label: "slipway.server.replicas")
        replicaLogger.logLevel = .notice
        let replicas = coordination.map {
            ReplicaService(
                replica: replica, store: store, coordination: $0, worker: worker, leaderServices: [poller, supervisor],
                logger: replicaLogger)
        }
        return Parts(
            api: api, worker: worker, poller: poller, supervisor: supervisor, feed: feed, idTokens: idTokens, replicas: replicas,
            runnerJobs: runnerJobs)
    }

    /// On the first start (or once `admin-token` was deleted), a token for the `admin` user in `admin-token` (mode 0600).
    func bootstrapAdmin(_ store: ServerStore) throws {
        guard !FileManager.default.fileExists(atPath: adminTokenPath) else { return }
        let admin =
            try store.user(named: "admin")
            ?? store.addUser(UserRow(name: "admin", role: Role.admin.rawValue, createdAt: Date().timeIntervalSince1970))
        guard let id = admin.id else { return }
        let issued = try TokenAuthority(store: store).issue(userId: id, name: "admin-token", scope: .admin)
        try AtomicFile.write(Data((issued.token + "\n").utf8), to: adminTokenPath, permissions: 0o600)
    }
}
