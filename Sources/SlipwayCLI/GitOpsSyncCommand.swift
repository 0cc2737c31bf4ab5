import ArgumentParser
import Core
import Delivery
import Foundation
import GitOps

/// `slipway gitops sync`: one sync of each application now, as Argo CD's "Sync" button does.
struct GitOpsSyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Sync applications once: render each branch head, compare with the target, apply what differs.",
        discussion: """
            Each application of the file (or each --app) is rendered at its branch head, compared with what runs, and \
            the objects that differ are applied in Argo CD's order (prune as the application says). A new version of a \
            Deployment under a Canary starts a release, which `slipway gitops watch` carries on. Applications are \
            synced side by side. Exit status 1 when any sync failed.
            """
    )

    @OptionGroup var options: GitOpsApplicationsOptions

    @Flag(help: "Print only the total, not one line per application.")
    var quiet = false

    @Option(help: "How many applications to sync at the same time.")
    var parallel = 16

    func run() async throws {
        let applications = try options.applications()
        guard parallel > 0 else { throw ValidationError("--parallel must be at least 1") }
        let stack = try await options.stack(applications)
        let started = ContinuousClock.now
        var records: [SyncRecord] = []
        try await withThrowingTaskGroup(of: SyncRecord.self) { group in
            var pending = applications[...]
            func startNext() {
                guard let application = pending.popFirst() else { return }
                group.addTask { try await stack.engine.sync(application, trigger: .manual) }
            }
            for _ in 0..<parallel { startNext() }
            while let record = try await group.next() {
                records.append(record)
                if !quiet {
                    print(
                        "\(record.application)  \(record.revision.prefix(8))  \(record.phase.rawValue)  \(record.health.status.rawValue)  "
                            + "\(record.changed.count) changed  " + String(format: "%.3fs", record.duration) + "  \(record.message)")
                }
                startNext()
            }
        }
        let elapsed = (ContinuousClock.now - started).seconds
        let failed = records.filter { $0.phase == .failed }
        let changed = records.reduce(0) { $0 + $1.changed.count }
        print(
            String(
                format: "%d application%@ synced in %.3fs: %d object%@ changed, %d failed", records.count, records.count == 1 ? "" : "s",
                elapsed, changed, changed == 1 ? "" : "s", failed.count))
        if !failed.isEmpty { throw ExitCode(1) }
    }
}
