import ArgumentParser
import Foundation
import Releases

/// `slipway rollout status|promote|abort APP`: where an application's canary stands, and the manual gates.
struct RolloutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollout",
        abstract: "See and decide an application's canary release.",
        subcommands: [Status.self, Promote.self, Abort.self]
    )

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the release in progress (or the last one).")

        @OptionGroup var store: DeliveryStoreOption
        @Argument(help: "The application (as named in slipway.yaml).")
        var application: String

        func run() async throws {
            let records = try store.records()
            guard let release = try records.list(application: application, limit: 1).first else {
                throw CommandFailure("application \"\(application)\" has no releases")
            }
            let state = release.phase.isFinal ? "no release in progress; the last one:" : "release in progress:"
            print("\(application): \(state) #\(release.id) \(release.phase.rawValue)")
            print("  \(release.previousImages.joined(separator: ", ")) → \(release.images.joined(separator: ", "))")
            if !release.phase.isFinal {
                print(
                    "  step \(min(release.stepIndex + 1, release.stepCount)) of \(release.stepCount), canary weight "
                        + "\(release.canaryWeight) %"
                )
            }
            if let rate = release.canarySuccessRate { print(String(format: "  canary success rate %.1f %%", rate * 100)) }
            print("  \(release.message)")
            if release.waitingAtGate {
                print("  waiting at a gate: slipway rollout promote \(application)  |  slipway rollout abort \(application)")
            }
        }
    }

    struct Promote: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Let a release waiting at a gate go on.")

        @OptionGroup var decision: Decision

        func run() async throws {
            try decision.record(.promote) { release, who in
                "promotion of release #\(release.id) recorded (by \(who)); the controller goes on at its next tick"
            }
        }
    }

    struct Abort: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send all traffic to the primary and roll the release back.")

        @OptionGroup var decision: Decision

        func run() async throws {
            try decision.record(.abort) { release, who in
                "abort of release #\(release.id) recorded (by \(who)); traffic goes back to the primary at the controller's next tick"
            }
        }
    }

    /// What a gate decision names: the application and who decides.
    struct Decision: ParsableArguments {
        @OptionGroup var store: DeliveryStoreOption
        @Argument(help: "The application.")
        var application: String
        @Option(name: .customLong("as"), help: "Who decides (recorded in the release; default: $USER).")
        var actor: String?
        @Option(help: "Why (recorded in the release).")
        var reason: String?

        func record(_ action: GateDecision.Action, confirmation: (Release, String) -> String) throws {
            let who = actor ?? ProcessInfo.processInfo.environment["USER"] ?? "unknown"
            do {
                let release = try store.records().decide(action, application: application, actor: who, reason: reason)
                print(confirmation(release, who))
            } catch let error as GateError {
                throw CommandFailure(error.description)
            }
        }
    }
}
