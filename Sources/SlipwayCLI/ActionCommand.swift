import ArgumentParser
import Foundation

/// `slipway action NAME`: one of the actions Slipway implements itself, run as a workflow step runs a JavaScript
/// action (inputs in `INPUT_*`, outputs to `GITHUB_OUTPUT`). `slipway run` starts it for `docker/login-action`,
/// `docker/metadata-action` and `docker/build-push-action` steps, so the workflow engine needs no image code.
struct ActionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "action",
        abstract: "Run a built-in action inside a workflow step (started by `slipway run`).",
        shouldDisplay: false
    )

    static let actions = ["docker/login-action", "docker/metadata-action", "docker/build-push-action"]

    @Argument(help: "The action: \(ActionCommand.actions.joined(separator: ", ")).")
    var name: String

    func run() async throws {
        let io = ActionIO()
        switch name.lowercased() {
        case "docker/login-action": try await DockerLoginAction(io: io).run()
        case "docker/metadata-action": try await DockerMetadataAction(io: io).run()
        case "docker/build-push-action": try await DockerBuildPushAction(io: io).run()
        default: throw ValidationError("unknown built-in action '\(name)' (expected one of \(Self.actions.joined(separator: ", ")))")
        }
    }
}
