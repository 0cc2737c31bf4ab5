import Foundation
import Runner

/// The docker/* actions run as a JavaScript action is run — a step process (`slipway action NAME`) that reads
/// `INPUT_*` and writes `GITHUB_OUTPUT`/`GITHUB_ENV` — so masking, timeouts, cancellation, logs and outputs are the
/// ordinary step machinery and secrets travel in the environment only, never on a command line. The job's registry
/// logins live in its private scratch directory (`SLIPWAY_AUTH_FILE`), gone when the job ends.
struct StepProcessAction: BuiltinAction {
    let names: [String]

    func run(_ step: ActionStep) async throws -> StepOutcome {
        guard let executable = SlipwayExecutable.path else { return .failure("\(step.name): cannot locate the slipway executable") }
        var environment: [String: String] = [:]
        for (key, value) in step.inputs { environment["INPUT_" + key.uppercased().replacingOccurrences(of: " ", with: "_")] = value }
        // The image store, registry settings and credentials the user configured for Slipway itself.
        for (key, value) in ProcessInfo.processInfo.environment
        where key.hasPrefix("SLIPWAY_") || ["DOCKER_CONFIG", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"].contains(key) {
            environment[key] = value
        }
        environment["SLIPWAY_AUTH_FILE"] = "\(step.scratchDirectory)/registry-auth.json"
        environment["SLIPWAY_EXECUTABLE_PATH"] = executable
        return try await step.runScript("exec \"$SLIPWAY_EXECUTABLE_PATH\" action \(step.name)", environment: environment)
    }
}
