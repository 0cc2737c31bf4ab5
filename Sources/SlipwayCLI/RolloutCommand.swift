import ArgumentParser
import Foundation
import NIOHTTP1
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

        @OptionGroup var server: ServerOption

        func run() async throws {
            if let client = try server.client() {
                let path = "/api/v1/releases?limit=1&application=\(ServerClient.escape(application))"
                guard let release = try await client.list(path).first else {
                    throw CommandFailure("application \"\(application)\" has no releases")
                }
                let phase = release["phase"] as? String ?? ""
                let final = ReleasePhase(rawValue: phase)?.isFinal ?? false
                print(
                    "\(application): \(final ? "no release in progress; the last one:" : "release in progress:") #\(release["id"] as? Int ?? 0) \(phase)"
                )
                print(
                    "  \((release["previous_images"] as? [String] ?? []).joined(separator: ", ")) → "
                        + (release["images"] as? [String] ?? []).joined(separator: ", "))
                if !final {
                    print(
                        "  step \(release["step"] as? Int ?? 0) of \(release["step_count"] as? Int ?? 0), canary weight \(release["canary_weight"] as? Int ?? 0) %"
                    )
                }
                print("  \(release["message"] as? String ?? "")")
                if release["waiting_at_gate"] as? Bool == true {
                    print("  waiting at a gate: slipway rollout promote \(application)  |  slipway rollout abort \(application)")
                }
                return
            }
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
            try await decision.record(.promote) { release, who in
                "promotion of release #\(release.id) recorded (by \(who)); the controller goes on at its next tick"
            }
        }
    }

    struct Abort: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send all traffic to the primary and roll the release back.")

        @OptionGroup var decision: Decision

        func run() async throws {
            try await decision.record(.abort) { release, who in
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
        @OptionGroup var server: ServerOption

        func record(_ action: GateDecision.Action, confirmation: (Release, String) -> String) async throws {
            if let client = try server.client() {
                guard actor == nil else { throw ValidationError("--as cannot be used with --server: the decision is the token's user's") }
                let data = try await client.call(
                    .POST, "/api/v1/applications/\(ServerClient.escape(application))/\(action.rawValue)",
                    body: reason.map { ["reason": $0] } ?? [:])
                let release = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
                let who = (try? await client.object("/api/v1/me"))?["name"] as? String ?? "the token's user"
                print(
                    "\(action.rawValue) of release #\(release?["id"] as? Int ?? 0) recorded by the server (as \(who)); the controller acts at its next tick"
                )
                return
            }
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
