import ArgumentParser

/// The `slipway` command line.
public struct SlipwayMain: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "slipway",
        abstract: "Run GitHub Actions workflows locally, faithfully and fast — the first part of Slipway's delivery engine.",
        subcommands: [RunCommand.self, LintCommand.self, RunsCommand.self, LogsCommand.self]
    )

    public init() {}
}
