import ArgumentParser
import Core
import Delivery
import Foundation
import GitOps
import Logging
import ServiceLifecycle

/// `slipway gitops watch`: the sync controller and the canary controller as a long-running process.
struct GitOpsWatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Keep applications synced: every new commit is synced at once, drift is healed, canaries are released.",
        discussion: """
            Local repositories' branch heads are watched every 100 ms (others are polled every 60 s); an automated \
            application syncs each new revision once, and with selfHeal puts back changes made behind git's back. \
            A new version under a Canary becomes a release (gates: `slipway rollout promote|abort APP`). One line \
            per sync, with the time it started (epoch seconds). Stops on SIGINT or SIGTERM.
            """
    )

    @OptionGroup var options: GitOpsApplicationsOptions

    func run() async throws {
        let applications = try options.applications()
        let stack = try await options.stack(applications)
        var logger = Logger(label: "slipway.gitops")
        logger.logLevel = .warning
        let records = await stack.sync.records()
        let services = ServiceGroup(
            services: [stack.sync, stack.controller], logger: logger)
        print("watching \(applications.count) application\(applications.count == 1 ? "" : "s") from \(options.config)")
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await services.runUntilTerminationSignal() }
            group.addTask {
                for await record in records {
                    let line =
                        String(format: "%.3f ", record.startedAt.timeIntervalSince1970)
                        + "\(record.application)  \(record.revision.prefix(8))  \(record.trigger.rawValue)  \(record.phase.rawValue)  "
                        + "\(record.health.status.rawValue)  \(record.changed.count) changed  " + String(format: "%.3fs", record.duration)
                        + "  \(record.message)"
                    FileHandle.standardOutput.write(Data((line + "\n").utf8))
                }
            }
            try await group.waitForAll()
        }
    }
}
