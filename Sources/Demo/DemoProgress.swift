import Core
import Foundation
import GitOps
import Releases

/// What `slipway up` prints while it works: its own steps, each sync and each release event as they are recorded,
/// with the time since the start.
actor DemoProgress {
    let start = ContinuousClock.now
    let log: ReleaseLog
    let application: String
    private var printedEvents: [Int64: Int] = [:]
    private var printedSyncs = 0

    init(log: ReleaseLog, application: String) {
        self.log = log
        self.application = application
    }

    var elapsed: Double { (ContinuousClock.now - start).seconds }

    func say(_ message: String) {
        // Unbuffered, so a pipe sees each step as it happens.
        FileHandle.standardOutput.write(Data((String(format: "[%6.1fs] ", elapsed) + message + "\n").utf8))
    }

    /// Prints what was recorded since the last look, until cancelled.
    func follow() async {
        while !Task.isCancelled {
            await catchUp()
            try? await Task.sleep(for: .milliseconds(200))
        }
    }

    func catchUp() async {
        let syncs = await log.records(application: application, limit: 1000).sorted { $0.startedAt < $1.startedAt }
        for record in syncs.dropFirst(printedSyncs) {
            say(
                "sync \(record.revision.prefix(8)) (\(record.trigger.rawValue)): \(record.phase.rawValue), "
                    + "\(record.health.status.rawValue) — \(record.message)"
            )
        }
        printedSyncs = max(printedSyncs, syncs.count)
        for release in await log.all() {
            let events = await log.timeline(of: release.id)
            let seen = printedEvents[release.id] ?? 0
            for event in events.dropFirst(seen) where Self.shown.contains(event.kind) {
                say("release #\(release.id) \(event.kind.rawValue): \(event.summary)")
            }
            printedEvents[release.id] = events.count
        }
    }

    /// Measurements and syncs are shown live too; the full timeline follows at the end.
    static let shown: Set<TimelineEntry.Kind> = [.step, .weight, .measurement, .analysis, .gate, .promotion, .rollback, .revert]
}
