import Foundation
import Logging
import Store

/// Lines runs print, written to the store in small batches (a line costs no transaction of its own) and announced to
/// live-log readers through `changes`.
actor LiveLog {
    let store: ServerStore
    let logger: Logger
    /// Bumped after each batch is written and when a delivery ends.
    nonisolated let changes = ChangeCounter()
    private var pending: [LogLineRow] = []
    private var flushScheduled = false

    init(store: ServerStore, logger: Logger) {
        self.store = store
        self.logger = logger
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

    /// Writes what is pending (the worker calls it before it records a delivery's end).
    func flush() {
        flushScheduled = false
        guard !pending.isEmpty else { return }
        let lines = pending
        pending = []
        do { try store.appendLogLines(lines) } catch { logger.error("cannot store \(lines.count) log line(s): \(error)") }
        changes.bump()
    }
}
