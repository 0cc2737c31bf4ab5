import ArgumentParser
import Foundation
import Releases

/// `slipway release list|show`: release records, each one timeline from CI run to promotion or rollback.
struct ReleaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "release",
        abstract: "Show release records: CI run, image, GitOps commit, sync, canary steps, measurements, gates, outcome.",
        subcommands: [List.self, Show.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List releases, newest first.")

        @OptionGroup var store: DeliveryStoreOption
        @Option(name: .customLong("app"), help: "Only this application's releases.")
        var application: String?
        @Option(name: [.customShort("n"), .customLong("limit")], help: "How many releases to show.")
        var limit: Int = 20

        func run() async throws {
            let releases = try store.records().list(application: application, limit: limit)
            guard !releases.isEmpty else {
                print("no releases recorded yet")
                return
            }
            let formatter = ISO8601DateFormatter()
            print(
                pad("ID", 6) + pad("APPLICATION", 18) + pad("ENV", 8) + pad("PHASE", 13) + pad("IMAGE", 34) + pad("STARTED", 22) + "OUTCOME"
            )
            for release in releases {
                print(
                    pad("\(release.id)", 6) + pad(release.application, 18) + pad(release.environment, 8) + pad(release.phase.rawValue, 13)
                        + pad(release.images.first ?? "", 34) + pad(formatter.string(from: release.startedAt), 22) + release.message)
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print one release's timeline.")

        @OptionGroup var store: DeliveryStoreOption
        @Argument(help: "The release's id (from `slipway release list`).")
        var id: Int64

        func run() async throws {
            guard let (release, events) = try store.records().show(id) else { throw CommandFailure("no release #\(id)") }
            print(ReleaseTimeline.render(release, events))
        }
    }
}
