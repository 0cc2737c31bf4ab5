/// The body of `slipway action NAME`: the actions that run as step processes, run inside that process.
public enum StepProcessActions {
    public static let names = ["docker/login-action", "docker/metadata-action", "docker/build-push-action"]

    /// Runs the named action with the step's environment (`INPUT_*`, `GITHUB_OUTPUT`, …); a failure is the step's error.
    public static func run(_ name: String) async throws {
        let io = ActionIO()
        switch name.lowercased() {
        case "docker/login-action": try await DockerLoginAction(io: io).run()
        case "docker/metadata-action": try await DockerMetadataAction(io: io).run()
        case "docker/build-push-action": try await DockerBuildPushAction(io: io).run()
        default: throw ActionFailure("unknown built-in action '\(name)' (expected one of \(names.joined(separator: ", ")))")
        }
    }
}
