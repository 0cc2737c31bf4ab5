import Foundation
import Logging
import Store

/// Lines runs print, written to the store in small batches (a line costs no transaction of its own) and announced to
/// live-log readers through `changes`; and which jobs of a running delivery started and finished, for its run page (the
/// store records jobs when the run ends).
actor LiveLog {
    /// A job as its run reported it: started, and finished with its conclusion.
    struct JobProgress: Sendable, Hashable {
        var started: Date
        var result: String?
    }

    /// Deliveries whose job progress is kept (the newest; older runs' pages read the store's job records).
    static let progressKept = 200

    let store: ServerStore
    let logger: Logger
    /// Bumped after each batch is written and when a delivery ends.
    nonisolated let changes = ChangeCounter()
    private var pending: [LogLineRow] = []
    private var flushScheduled = false
    private var progress: [Int64: [String: JobProgress]] = [:]
    private var progressOrder: [Int64] = []

    /// Tells other replicas that lines were written.
    let broadcast: @Sendable (String) -> Void

    init(store: ServerStore, logger: Logger, broadcast: @escaping @Sendable (String) -> Void = { _ in }) {
        self.store = store
        self.logger = logger
        self.broadcast = broadcast
    }

    func append(eventId: Int64, job: String, text: String) {
        pending.append(LogLineRow(eventId: eventId, job: job, text: text, at: Date().timeIntervalSince1970))
        if pending.count >= 500 {
            flush()
        } else if !flushScheduled {
            flushScheduled = true
            // Lines that come together are written together: a batch every 50 ms at the most.
            Task {
                try? await Task.sleep(for: .milliseconds(50))
                await self.flush()
            }
        }
    }

    func jobStarted(eventId: Int64, job: String) {
        if progress[eventId] == nil {
            progressOrder.append(eventId)
            if progressOrder.count > Self.progressKept { progress[progressOrder.removeFirst()] = nil }
        }
        progress[eventId, default: [:]][job] = JobProgress(started: Date(), result: nil)
        changes.bump()
    }

    func jobFinished(eventId: Int64, job: String, result: String) {
        progress[eventId, default: [:]][job, default: JobProgress(started: Date(), result: nil)].result = result
        changes.bump()
    }

    /// The jobs of a delivery's runs so far, by the name the run reports them with.
    func jobs(of eventId: Int64) -> [String: JobProgress] { progress[eventId] ?? [:] }

    /// Per delivery, how many jobs started and finished: a change tells the event feed a run moved on.
    func progressDigest() -> [Int64: String] {
        progress.mapValues { jobs in "\(jobs.count)/\(jobs.values.filter { $0.result != nil }.count)" }
    }

    /// Writes what is pending (the worker calls it before it records a delivery's end).
    func flush() {
        flushScheduled = false
        guard !pending.isEmpty else { return }
        let lines = pending
        pending = []
        do { try store.appendLogLines(lines) } catch { logger.error("cannot store \(lines.count) log line(s): \(error)") }
        changes.bump()
        broadcast(ReplicaService.Notice.changes)
    }
}
