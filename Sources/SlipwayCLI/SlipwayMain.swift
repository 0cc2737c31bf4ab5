import ArgumentParser

/// The `slipway` command line.
public struct SlipwayMain: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "slipway",
        abstract: "Slipway: one self-hosted delivery engine, from git push to a verified canary.",
        discussion: """
            Runs GitHub Actions workflows (run, lint), builds and serves OCI images without a daemon (image, registry), \
            renders kustomize trees byte for byte (kustomize), runs Kubernetes objects here with Envoy as the mesh \
            (local), syncs GitOps repositories and releases each version as an analysed canary (gitops, rollout, release).

            See it all at once: `slipway up` builds a demo app, deploys it through GitOps and releases a good and a bad \
            version while traffic flows.
            """,
        subcommands: [
            RunCommand.self, LintCommand.self, RunsCommand.self, ApproveCommand.self, RejectCommand.self, PromoteCommand.self,
            LogsCommand.self,
            KustomizeCommand.self, GitOpsCommand.self,
            ImageCommand.self, RegistryCommand.self, LocalCommand.self, UpCommand.self, ReleaseCommand.self, RolloutCommand.self,
            ServerCommand.self, RunnerCommand.self, ActionCommand.self, GitLabCommand.self,
        ]
    )

    public init() {}
}
