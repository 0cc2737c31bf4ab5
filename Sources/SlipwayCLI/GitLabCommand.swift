import ArgumentParser

/// `slipway gitlab …`: GitLab CI pipelines of `.gitlab-ci.yml`.
struct GitLabCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gitlab",
        abstract: "Run and check GitLab CI pipelines (.gitlab-ci.yml) as GitLab would.",
        subcommands: [
            GitLabRunCommand.self, GitLabLintCommand.self, GitLabPlayCommand.self, GitLabRetryCommand.self, GitLabCancelCommand.self,
        ]
    )
}
