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
        @OptionGroup var server: ServerOption

        func run() async throws {
            if let client = try server.client() {
                let query = "limit=\(min(max(limit, 1), 500))" + (application.map { "&application=\(ServerClient.escape($0))" } ?? "")
                let releases = try await client.list("/api/v1/releases?\(query)")
                guard !releases.isEmpty else {
                    print("no releases recorded yet")
                    return
                }
                print(
                    pad("ID", 6) + pad("APPLICATION", 18) + pad("ENV", 8) + pad("PHASE", 13) + pad("IMAGE", 34) + pad("STARTED", 22)
                        + "OUTCOME")
                for release in releases {
                    print(
                        pad("\(release["id"] as? Int ?? 0)", 6) + pad(release["application"] as? String ?? "", 18)
                            + pad(release["environment"] as? String ?? "", 8) + pad(release["phase"] as? String ?? "", 13)
                            + pad((release["images"] as? [String])?.first ?? "", 34) + pad(release["started_at"] as? String ?? "", 22)
                            + (release["message"] as? String ?? ""))
                }
                return
            }
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
        @OptionGroup var server: ServerOption

        func run() async throws {
            if let client = try server.client() {
                let release = try await client.object("/api/v1/releases/\(id)", notFound: "no release #\(id)")
                print(Self.render(release))
                return
            }
            let records = try store.records()
            guard let (release, events) = try records.show(id) else { throw CommandFailure("no release #\(id)") }
            print(ReleaseTimeline.render(release, events))
            let chain = try records.chain(of: release)
            if chain.count > 1 { print("  chain: \(ReleaseRecords.describe(chain: chain))") }
        }

        /// A release as the API shows it: what it is, then its timeline.
        static func render(_ release: [String: Any]) -> String {
            var lines = [
                "release #\(release["id"] as? Int ?? 0) of \(release["application"] as? String ?? "") "
                    + "(\(release["environment"] as? String ?? "")): \(release["phase"] as? String ?? "")",
                "  \((release["previous_images"] as? [String] ?? []).joined(separator: ", ")) → "
                    + (release["images"] as? [String] ?? []).joined(separator: ", "),
                "  revision \(release["revision"] as? String ?? "")",
                "  \(release["message"] as? String ?? "")",
            ]
            for entry in release["timeline"] as? [[String: Any]] ?? [] {
                lines.append(
                    "  \(entry["at"] as? String ?? "")  \(pad(entry["kind"] as? String ?? "", 12))\(entry["summary"] as? String ?? "")")
            }
            return lines.joined(separator: "\n")
        }
    }
}
