import Core
import Foundation
import Logging
import ServiceLifecycle
import Store

/// Looks at every project's branches and tags (a fetch into its mirror) every `interval`, and at one project at once
/// when its post-receive hook says it was pushed to: each head that moved becomes a queued push, once — a push a
/// webhook already reported is not queued again. A project's first look only records its heads.
final class ProjectPoller: Service {
    let store: ServerStore
    let mirrors: ProjectMirrors
    let worker: EventWorker
    let interval: Duration?
    let logger: Logger
    /// Projects a hook asked to look at now.
    private let requests = AsyncStream<Int64>.makeStream()

    init(store: ServerStore, worker: EventWorker, interval: Duration?, logger: Logger) {
        self.store = store
        mirrors = worker.mirrors
        self.worker = worker
        self.interval = interval
        self.logger = logger
    }

    /// A hook's request: look at this project now.
    func lookNow(at projectId: Int64) { requests.continuation.yield(projectId) }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await projectId in self.requests.stream {
                        if let project = self.projects({ try $0.project(id: projectId).map { [$0] } ?? [] }).first {
                            await self.look(at: project)
                        }
                    }
                }
                if let interval = self.interval {
                    group.addTask {
                        while !Task.isCancelled {
                            for project in self.projects({ try $0.projects() }) where !Task.isCancelled { await self.look(at: project) }
                            try? await Task.sleep(for: interval)
                        }
                    }
                }
                await group.waitForAll()
            }
        }
    }

    /// Projects read from the store; none (and a warning) when it cannot be read, so the next look tries again.
    private func projects(_ read: (ServerStore) throws -> [ProjectRow]) -> [ProjectRow] {
        do { return try read(store) } catch {
            logger.warning("cannot read the projects: \(error)")
            return []
        }
    }

    /// Fetches the project and queues a push for each head that moved since the last look.
    func look(at project: ProjectRow) async {
        guard let projectId = project.id else { return }
        do {
            try await mirrors.refresh(project)
            await worker.supervisor?.refreshed(project)
            let heads = try await mirrors.heads(project)
            let previous = try store.heads(projectId: projectId)
            var events: [EventRow] = []
            if let previous {
                for (ref, sha) in heads.sorted(by: { $0.key < $1.key }) where previous[ref] != sha {
                    let before = previous[ref] ?? String(repeating: "0", count: 40)
                    events.append(
                        EventRow(
                            projectId: projectId, source: "git", deliveryId: "\(ref)@\(sha)", event: "push", ref: ref, sha: sha,
                            payload: #"{"before":"\#(before)"}"#, createdAt: Date().timeIntervalSince1970))
                }
            }
            let queued = try store.updateHeads(projectId: projectId, heads: heads, queueing: events)
            if !queued.isEmpty { worker.wake() }
        } catch {
            logger.warning("cannot look at project \(project.name): \(error)")
        }
    }
}
