import ArgumentParser
import BuiltinActions
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

    @Argument(help: "The action: \(StepProcessActions.names.joined(separator: ", ")).")
    var name: String

    func validate() throws {
        guard StepProcessActions.names.contains(name.lowercased()) else {
            throw ValidationError("unknown built-in action '\(name)' (expected one of \(StepProcessActions.names.joined(separator: ", ")))")
        }
    }

    func run() async throws {
        do { try await StepProcessActions.run(name) } catch let failure as ActionFailure { throw CommandFailure(failure.description) }
    }
}
