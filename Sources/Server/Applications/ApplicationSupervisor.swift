import Core
import Delivery
import Foundation
import GitOps
import Logging
import Releases
import ServiceLifecycle
import Store

/// The GitOps sync controller and the canary controller, kept running for every application the projects declare in
/// `slipway.yaml` on their default branch. A project's file is read again whenever its mirror is fetched (an event, a
/// push hook, a poll), so a pushed change to it takes effect at once; releases in progress are taken over from the
/// delivery store when the server starts (the controller's lease), so a killed server's canary resumes.
actor ApplicationSupervisor: Service {
    /// What one project declares, as last read.
    struct Declared: Sendable {
        var projectId: Int64
        var projectName: String
        /// The default branch's commit the file was read at; nil when the branch does not exist (yet).
        var revision: String?
        var applications: [Application]
        /// Why some or all of its applications are not run (the file's problems, names another project took).
        var problems: [String]
    }

    static let configFile = "slipway.yaml"

    let store: ServerStore
    let mirrors: ProjectMirrors
    /// The local target's data directory; nil: no controllers (the API says so).
    let targetDataDirectory: String?
    let deliveryStorePath: String
    /// The server's database when the delivery records live in it (PostgreSQL), else nil: the SQLite file at
    /// `deliveryStorePath`.
    let deliveryDatabase: (any SQLDatabase)?
    let cacheRoot: String
    let logger: Logger
    private(set) var declared: [Int64: Declared] = [:]
    private(set) var stack: DeliveryStack?
    /// Why there is no stack (the target is not running), while there is none.
    private(set) var stackProblem: String?
    private var wakeUp: AsyncStream<Void>.Continuation?
    /// Per project, the last reading started and the last one applied: readings overlap (an event's and a poll's), and
    /// an older one that finishes later must not undo a newer one.
    private var readings: [Int64: (started: Int, applied: Int)] = [:]
    /// Told of every sync the controller runs.
    let syncs = ChangeCounter()

    init(
        store: ServerStore, mirrors: ProjectMirrors, targetDataDirectory: String?, deliveryStorePath: String,
        deliveryDatabase: (any SQLDatabase)? = nil, cacheRoot: String,
        logger: Logger
    ) {
        self.store = store
        self.mirrors = mirrors
        self.targetDataDirectory = targetDataDirectory
        self.deliveryStorePath = deliveryStorePath
        self.deliveryDatabase = deliveryDatabase
        self.cacheRoot = cacheRoot
        self.logger = logger
        stackProblem = targetDataDirectory == nil ? "the server runs without a target (--target-data-dir)" : nil
    }

    /// Every application that runs, in project order; a name another project declared first is left out.
    var applications: [Application] {
        declared.values.sorted { $0.projectId < $1.projectId }.flatMap(\.applications)
    }

    /// Every declared application's kept status as `sync|health` (`Unknown|Unknown` when it was never compared or
    /// could not be), for the event feed to notice changes.
    func statusDigest() async -> [String: String] {
        guard let stack else { return [:] }
        var digest: [String: String] = [:]
        let statuses = await stack.sync.engine.allStatuses()
        for application in applications {
            let status = statuses[application.name]
            digest[application.name] = "\(status?.sync?.rawValue ?? "Unknown")|\(status?.health.status.rawValue ?? "Unknown")"
        }
        return digest
    }

    /// The project that declares `name`, and the application.
    func application(named name: String) -> (Declared, Application)? {
        for project in declared.values.sorted(by: { $0.projectId < $1.projectId }) {
            if let application = project.applications.first(where: { $0.name == name }) { return (project, application) }
        }
        return nil
    }

    /// The project's mirror was fetched: read its `slipway.yaml` again and wake the sync controller for its repository
    /// (a project may be the GitOps repository itself).
    func refreshed(_ project: ProjectRow) async {
        guard let id = project.id else { return }
        let reading = (readings[id]?.started ?? 0) + 1
        readings[id, default: (0, 0)].started = reading
        var next = Declared(projectId: id, projectName: project.name, revision: nil, applications: [], problems: [])
        do {
            let heads = try await mirrors.heads(project)
            next.revision = heads["refs/heads/\(project.defaultBranch)"]
            if let revision = next.revision, let text = try await mirrors.file(project, ref: revision, path: Self.configFile) {
                let local = !project.repository.contains("://") && !project.repository.contains("@")
                let file = local ? project.repository + "/" + Self.configFile : Self.configFile
                do {
                    let config = try ApplicationConfig.parse(
                        text, file: file, relativeTo: local ? .directory(project.repository) : .none)
                    next.applications = config.applications
                } catch {
                    next.problems.append("\(error)")
                }
            }
        } catch {
            next.problems.append("cannot read \(Self.configFile): \(error)")
        }
        guard reading > readings[id, default: (0, 0)].applied else { return }
        readings[id, default: (0, 0)].applied = reading
        let taken = Dictionary(
            declared.values.filter { $0.projectId < id }.flatMap { project in project.applications.map { ($0.name, project.projectName) } },
            uniquingKeysWith: { first, _ in first })
        next.applications = next.applications.filter { application in
            if let owner = taken[application.name] {
                next.problems.append("\(application.name): project \(owner) declares an application of that name")
                return false
            }
            if application.target != "local" {
                next.problems.append("\(application.name): target \"\(application.target)\" is not available yet (only \"local\")")
                return false
            }
            return true
        }
        let changed = declared[id]?.applications != next.applications
        declared[id] = next
        if changed { logger.info("project \(project.name): \(next.applications.count) application(s) from \(Self.configFile)") }
        if let stack {
            if changed { await stack.sync.replaceApplications(applications) }
            await stack.sync.notify(repository: project.repository)
        }
        wakeUp?.yield()
    }

    func run() async throws {
        guard let targetDataDirectory else {
            try? await gracefulShutdown()
            return
        }
        let (wakes, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        wakeUp = continuation
        for project in (try? store.projects()) ?? [] {
            do { try await mirrors.refresh(project) } catch { logger.warning("cannot fetch project \(project.name): \(error)") }
            await refreshed(project)
        }
        // The target may start after the server: try again on every refresh and every few seconds until it answers.
        let retry = Task {
            while !Task.isCancelled {
                try await Task.sleep(for: .seconds(5))
                continuation.yield()
            }
        }
        defer { retry.cancel() }
        let started: DeliveryStack? = await withGracefulShutdownHandler {
            for await _ in wakes {
                if Task.isCancelled { break }
                do {
                    return try await DeliveryStack(
                        localDataDirectory: targetDataDirectory, store: try deliveryStore(), cacheRoot: cacheRoot,
                        applications: applications,
                        logger: logger)
                } catch {
                    if stackProblem != "\(error)" { logger.warning("controllers not started: \(error)") }
                    stackProblem = "\(error)"
                }
            }
            return nil
        } onGracefulShutdown: {
            continuation.finish()
        }
        retry.cancel()
        guard let started else { return }
        stack = started
        stackProblem = nil
        await started.sync.replaceApplications(applications)
        let records = await started.sync.records()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await started.sync.run() }
            group.addTask { try await started.controller.run() }
            group.addTask { [syncs] in for await _ in records { syncs.bump() } }
            try await group.waitForAll()
        }
    }
}

extension ApplicationSupervisor {
    /// The delivery records the controllers write: in the server's database, or the SQLite file.
    func deliveryStore() throws -> DeliveryStore {
        if let deliveryDatabase { return DeliveryStore(database: deliveryDatabase) }
        return try DeliveryStore(path: deliveryStorePath)
    }
}
