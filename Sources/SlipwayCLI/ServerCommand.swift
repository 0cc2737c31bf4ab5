import ArgumentParser

/// `slipway server`: webhooks, the event queue and the API as one long-running process (`serve`, the default), and
/// what a push hook runs (`notify`).
struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server",
        abstract: "Serve webhooks and the API; run the workflows that pushes start.",
        subcommands: [ServerServeCommand.self, ServerNotifyCommand.self, ServerRunnersCommand.self],
        defaultSubcommand: ServerServeCommand.self
    )
}
