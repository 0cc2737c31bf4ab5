import ArgumentParser

/// The `slipway` command line.
public struct SlipwayMain: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "slipway",
        abstract: "Slipway's delivery engine: run workflows locally, render and edit kustomizations.",
        subcommands: [
            RunCommand.self, LintCommand.self, RunsCommand.self, LogsCommand.self, KustomizeCommand.self, GitOpsCommand.self,
            ImageCommand.self, RegistryCommand.self, LocalCommand.self, UpCommand.self, ReleaseCommand.self, RolloutCommand.self,
            ActionCommand.self,
        ]
    )

    public init() {}
}
