import ArgumentParser
import Foundation
import Releases
import Store

/// `slipway gitops holds [APP]`, `slipway gitops holds remove APP REVISION --reason …`: the revisions auto-sync
/// must not deploy (rolled-back releases'), kept in the release store until someone lifts them.
struct GitOpsHoldsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "holds",
        abstract: "List the revisions auto-sync is holding back, or lift a hold.",
        subcommands: [List.self, Remove.self],
        defaultSubcommand: List.self
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List holds in force (with --all, lifted ones too).")

        @OptionGroup var store: DeliveryStoreOption
        @Argument(help: "Only this application's holds.")
        var application: String?
        @Flag(help: "Also show holds that were lifted, with who lifted them and why.")
        var all = false

        func run() async throws {
            let holds = try store.records().holds(application: application, includeRemoved: all)
            guard !holds.isEmpty else {
                print("no revision is held" + (application.map { " for \($0)" } ?? ""))
                return
            }
            let formatter = ISO8601DateFormatter()
            print(pad("APPLICATION", 18) + pad("REVISION", 14) + pad("SINCE", 22) + "REASON")
            for hold in holds {
                var reason = hold.reason
                if let removed = hold.removedAt {
                    reason +=
                        " — lifted \(formatter.string(from: Date(timeIntervalSince1970: removed))) by \(hold.removedBy ?? "?"): "
                        + "\(hold.removedReason ?? "")"
                }
                print(
                    pad(hold.application, 18) + pad(String(hold.revision.prefix(12)), 14)
                        + pad(formatter.string(from: Date(timeIntervalSince1970: hold.createdAt)), 22) + reason)
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Lift the hold on a revision: auto-sync may deploy it again (when it is the branch head).")

        @OptionGroup var store: DeliveryStoreOption
        @Argument(help: "The application.")
        var application: String
        @Argument(help: "The held revision (a unique prefix is enough).")
        var revision: String
        @Option(help: "Why the hold is lifted (required; kept with the hold).")
        var reason: String
        @Option(name: .customLong("as"), help: "Who lifts it (default: $USER).")
        var actor: String?

        func validate() throws {
            guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw ValidationError("--reason must say why the hold is lifted")
            }
        }

        func run() async throws {
            let who = actor ?? ProcessInfo.processInfo.environment["USER"] ?? "unknown"
            guard let hold = try store.records().removeHold(application: application, revision: revision, by: who, reason: reason) else {
                throw CommandFailure(
                    "no hold in force on a revision of \"\(application)\" starting with \(revision) (see `slipway gitops holds "
                        + "\(application)`)"
                )
            }
            print("hold on \(hold.revision.prefix(12)) of \(application) lifted by \(who): \(reason)")
        }
    }
}
