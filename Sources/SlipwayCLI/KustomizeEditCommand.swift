import ArgumentParser

/// `slipway kustomize edit`.
struct KustomizeEditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edit",
        abstract: "Edit the kustomization in the current directory, as `kustomize edit` does.",
        subcommands: []
    )
}
