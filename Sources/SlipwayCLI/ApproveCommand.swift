import ArgumentParser

/// `slipway approve RUN --environment NAME`: approves a run's deployments waiting for that environment.
struct ApproveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve",
        abstract: "Approve a run's deployments waiting for an environment's reviewers."
    )

    @OptionGroup var options: DeploymentReviewOptions

    func run() async throws { try await options.review(approve: true) }
}
