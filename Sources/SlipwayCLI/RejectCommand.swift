import ArgumentParser

/// `slipway reject RUN --environment NAME`: rejects a run's deployments waiting for that environment; their jobs fail.
struct RejectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reject",
        abstract: "Reject a run's deployments waiting for an environment's reviewers (their jobs fail)."
    )

    @OptionGroup var options: DeploymentReviewOptions

    func run() async throws { try await options.review(approve: false) }
}
