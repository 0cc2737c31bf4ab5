import ArgumentParser
import Core
import Foundation
import Logging
import Server

/// `slipway server`: webhooks, the event queue and the API as one long-running process.
struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server",
        abstract: "Serve webhooks and the API; run the workflows that pushes start.",
        discussion: """
            Projects are added with POST /api/v1/projects (docs/api.md). GitHub, GitLab and Gitea webhooks at \
            /api/v1/hooks/{github,gitlab,gitea} are checked against the project's webhook secret and queued once per \
            delivery; queued events run with Slipway's workflow engine and are kept across restarts (an event a killed \
            server left running is failed with the reason "server restarted"). On the first start an admin token is \
            written to DATA-DIR/admin-token (mode 0600); the address is written to DATA-DIR/server.json while serving. \
            SIGTERM or SIGINT stops it with exit 0.
            """
    )

    @Option(help: "The server's data directory.")
    var dataDir: String = DataDirectory.path(for: "server")

    @Option(help: "Address to listen on (port 0: the kernel chooses; the address is printed).")
    var address: String = "127.0.0.1:8080"

    @Option(help: "Events run at the same time.")
    var workers: Int = 2

    @Option(
        help:
            "The delivery store of releases and gate decisions (share the one `slipway gitops watch` uses; default DATA-DIR/delivery.sqlite)."
    )
    var deliveryStore: String?

    func run() async throws {
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]), (0...65535).contains(port)
        else {
            throw ValidationError("--address must be HOST:PORT, not '\(address)'")
        }
        guard workers >= 1 else { throw ValidationError("--workers must be at least 1") }
        let host = String(address[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if port != 0 {
            do { try PortClaim.check(port, host: host, purpose: "the server") } catch { throw CommandFailure(error.description) }
        }
        let server = SlipwayServer(dataDirectory: dataDir, host: host, port: port, workers: workers, deliveryStorePath: deliveryStore)
        var logger = Logger(label: "slipway.server")
        logger.logLevel = .warning
        do {
            try await server.run(logger: logger) { url in
                let line = "slipway server listening on \(url) (data: \(server.dataDirectory); admin token: \(server.adminTokenPath))\n"
                FileHandle.standardOutput.write(Data(line.utf8))
            }
        } catch let error as ServerError {
            throw CommandFailure(error.description)
        }
    }
}
