import Foundation
import Logging
import Manifests
import ServiceLifecycle
import TargetKit

/// Auto-sync as a service: a new commit on an application's branch is noticed at once (local repositories' ref
/// files are read every `watchInterval`; `notify` is the webhook's entry point) and every `pollInterval` as a
/// fallback; with self-heal, a change to an object the application owns is put back after `selfHealDelay`. Every
/// application's sync status and health are kept current beside it (compared again once a second when something it
/// owns changed or a sync ran, and every `statusInterval` anyway), so pages read them without asking the target.
public actor SyncController: Service {
    public let engine: SyncEngine
    public private(set) var applications: [Application]
    private let watchInterval: Duration
    private let pollInterval: Duration
    private let selfHealDelay: Duration
    private let statusInterval: Duration
    private let logger: Logger
    private var wakeUp: AsyncStream<Void>.Continuation?
    private var lastPoll: [String: ContinuousClock.Instant] = [:]
    private var driftSince: [String: ContinuousClock.Instant] = [:]
    private var lastHeads: [String: String] = [:]
    private var generations: [ObjectKey: Int] = [:]
    private var listeners: [AsyncStream<SyncRecord>.Continuation] = []

    public init(
        engine: SyncEngine, applications: [Application], watchInterval: Duration = .milliseconds(100),
        pollInterval: Duration = .seconds(60), selfHealDelay: Duration = .seconds(5), statusInterval: Duration = .seconds(30),
        logger: Logger = Logger(label: "slipway.sync")
    ) {
        self.engine = engine
        self.applications = applications
        self.watchInterval = watchInterval
        self.pollInterval = pollInterval
        self.selfHealDelay = selfHealDelay
        self.statusInterval = statusInterval
        self.logger = logger
    }

    /// Every sync the controller runs, as it finishes.
    public func records() -> AsyncStream<SyncRecord> {
        let (stream, continuation) = AsyncStream.makeStream(of: SyncRecord.self)
        listeners.append(continuation)
        return stream
    }

    /// Takes over a new set of applications (a reloaded configuration); the next pass looks at each of them.
    public func replaceApplications(_ applications: [Application]) {
        self.applications = applications
        lastPoll = lastPoll.filter { name, _ in applications.contains { $0.name == name } }
        wakeUp?.yield()
    }

    /// A push happened (webhook or hook): look at once at every application of that repository (all when nil).
    public func notify(repository: String? = nil) {
        if let repository { for app in applications where app.repository == repository { lastPoll[app.name] = nil } }
        wakeUp?.yield()
    }

    public func run() async throws {
        let (wakes, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        wakeUp = continuation
        let events = await engine.target.watch()
        try await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { [watchInterval] in
                    while !Task.isCancelled {
                        // A cancelled sleep is the end of the loop, not an error.
                        guard (try? await Task.sleep(for: watchInterval)) != nil else { return }
                        continuation.yield()
                    }
                }
                group.addTask {
                    for await event in events { await self.observe(event) }
                }
                group.addTask {
                    while !Task.isCancelled {
                        await self.refreshStatuses()
                        guard (try? await Task.sleep(for: .seconds(1))) != nil else { return }
                    }
                }
                for await _ in wakes {
                    if Task.isCancelled { break }
                    await self.pass()
                }
                group.cancelAll()
            }
        } onGracefulShutdown: {
            continuation.finish()
        }
        for listener in listeners { listener.finish() }
    }

    /// One look at every application: new commits, the poll, drift past the self-heal delay.
    func pass() async {
        let now = ContinuousClock.now
        for application in applications where application.syncPolicy.automated {
            let local = GitRevisions.gitDirectory(application.repository) != nil
            let pollDue = lastPoll[application.name].map { now - $0 >= pollInterval } ?? true
            let drifted = driftSince[application.name].map { now - $0 >= selfHealDelay } ?? false
            guard local || pollDue || drifted else { continue }
            do {
                let head = try await engine.revisions.head(repository: application.repository, branch: application.branch)
                let moved = lastHeads[application.name] != head
                lastHeads[application.name] = head
                if pollDue { lastPoll[application.name] = now }
                guard moved || drifted || pollDue else { continue }
                if drifted { driftSince[application.name] = nil }
                if let record = try await engine.autoSync(application, trigger: .commit) {
                    let line = "sync \(application.name) \(record.revision.prefix(12)) \(record.trigger.rawValue): \(record.phase.rawValue)"
                    logger.info("\(line) — \(record.message)")
                    for listener in listeners { listener.yield(record) }
                }
            } catch {
                logger.warning("\(application.name): \(error)")
            }
        }
    }

    /// Compares again every application whose status is missing, stale or older than `statusInterval`.
    func refreshStatuses() async {
        let age = Double(statusInterval.components.seconds) + Double(statusInterval.components.attoseconds) / 1e18
        let statuses = await engine.allStatuses()
        for application in applications where !Task.isCancelled {
            guard ApplicationStatus.needsRefresh(statuses[application.name], olderThan: age) else { continue }
            do { _ = try await engine.compare(application) } catch {
                logger.debug("\(application.name): cannot compare: \(error)")
            }
        }
    }

    private func observe(_ event: ObjectEvent) async {
        // Status churn from controllers is not drift; only changes by someone else to what a sync applied are. A
        // modification that leaves `metadata.generation` where it was touched status or metadata alone.
        let generation = event.object.value(at: ["metadata", "generation"])?.int
        let previous = generations[event.key]
        generations[event.key] = event.change == .deleted ? nil : generation
        for application in applications where await engine.inventory(of: application.name).contains(event.key) {
            // Health follows status too: any change to what it owns makes the kept status outdated.
            await engine.invalidateStatus(of: application.name)
        }
        if event.change == .modified, let generation, let previous, generation == previous { return }
        for application in applications where application.syncPolicy.selfHeal && driftSince[application.name] == nil {
            guard await engine.inventory(of: application.name).contains(event.key) else { continue }
            driftSince[application.name] = .now
        }
    }
}
