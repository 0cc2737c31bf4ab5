import Core
import Foundation
import Logging
import ServiceLifecycle
import Store

/// This server as one replica of several on one PostgreSQL database. It registers and beats; it ends the replicas that
/// died (their running events failed once, their runs ended, never run again); it wakes its worker and live-log readers
/// when another replica tells of new work or new lines; and while it is the leader (PostgreSQL's advisory lock, held by
/// its own session) it runs the services only one replica may run: the sync and canary controllers and the poller.
/// When the leader dies, its session ends and another replica takes over, resuming releases from their stored state.
final class ReplicaService: Service {
    /// Payloads on the replicas' channel.
    enum Notice {
        static let work = "work"
        static let changes = "changes"
    }

    let replica: ReplicaRow
    let store: ServerStore
    let coordination: PostgresCoordination
    let worker: EventWorker
    let leaderServices: [any Service]
    let interval: Duration
    let logger: Logger
    /// Whether this replica leads now (for `/readyz` and the tests' logs).
    let leading = ChangeCounter()

    init(
        replica: ReplicaRow, store: ServerStore, coordination: PostgresCoordination, worker: EventWorker, leaderServices: [any Service],
        interval: Duration = .seconds(1), logger: Logger
    ) {
        self.replica = replica
        self.store = store
        self.coordination = coordination
        self.worker = worker
        self.leaderServices = leaderServices
        self.interval = interval
        self.logger = logger
    }

    func run() async throws {
        try store.register(replica)
        reap()
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.beatAndReap() }
                group.addTask { await self.listen() }
                group.addTask { await self.lead() }
                await group.waitForAll()
            }
        }
        do { try store.unregister(replica.id) } catch { logger.warning("cannot unregister replica \(replica.id): \(error)") }
    }

    /// Beats every 3 s and ends dead replicas as often, in one write transaction.
    private func beatAndReap() async {
        while !Task.isCancelled {
            reap(beating: true)
            try? await Task.sleep(for: .seconds(3))
        }
    }

    private func reap(beating: Bool = false) {
        do {
            let reaped = try store.reapDeadReplicas(reason: EventWorker.restartedReason, beating: beating ? replica : nil)
            if reaped.registeredAgain { logger.warning("replica \(replica.id) was taken for dead; registered again") }
            guard !reaped.events.isEmpty || !reaped.replicas.isEmpty else { return }
            logger.warning(
                "ended replica(s) \(reaped.replicas): failed event(s) \(reaped.events.compactMap(\.id)), run(s) \(reaped.runs)")
            for event in reaped.events {
                if let pipeline = EventWorker.payloadNumber(event.payload, "pipeline_id") {
                    try store.updatePipeline(pipeline, status: "failed", reason: EventWorker.restartedReason)
                }
            }
            for run in reaped.runs {
                if let pipeline = try store.pipeline(runId: run), ["pending", "running"].contains(pipeline.status), let id = pipeline.id {
                    try store.updatePipeline(id, status: "failed", reason: EventWorker.restartedReason)
                }
            }
            coordination.notify(Notice.changes)
        } catch {
            logger.warning("cannot end dead replicas: \(error)")
        }
    }

    /// Another replica's news, as if it happened here.
    private func listen() async {
        for await payload in coordination.notifications() {
            switch payload {
            case Notice.changes: worker.liveLog.changes.bump()
            case RunnerJobDispatcher.notice: worker.runnerJobs?.changes.bump()
            default:
                // New work, or the session was lost and made again (what was told meanwhile is lost): look at both.
                worker.signal.signal()
                worker.liveLog.changes.bump()
                worker.runnerJobs?.changes.bump()
            }
        }
    }

    /// Runs the leader's services while this replica leads, stopping them gracefully when it stops leading.
    private func lead() async {
        var term: (group: ServiceGroup, task: Task<Void, Never>)?
        for await isLeader in coordination.leadership(interval: interval) {
            if isLeader, term == nil {
                logger.notice("replica \(replica.id) leads: starting the controllers")
                let group = ServiceGroup(
                    configuration: ServiceGroupConfiguration(services: leaderServices.map { .init(service: $0) }, logger: logger))
                let logger = self.logger
                term = (group, Task { do { try await group.run() } catch { logger.error("the leader's services: \(error)") } })
                leading.bump()
            } else if !isLeader, let current = term {
                logger.warning("replica \(replica.id) no longer leads: stopping the controllers")
                await current.group.triggerGracefulShutdown()
                await current.task.value
                term = nil
                leading.bump()
            }
        }
        if let current = term {
            await current.group.triggerGracefulShutdown()
            await current.task.value
        }
    }
}
