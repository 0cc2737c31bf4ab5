import ArgumentParser
import Foundation
import NIOHTTP1

/// `slipway server runners`: register runners (each gets a token, shown once), list them, remove them (their token
/// stops working at once).
struct ServerRunnersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runners",
        abstract: "Register, list and remove the runners that take self-hosted jobs.",
        subcommands: [Add.self, List.self, Remove.self],
        defaultSubcommand: List.self
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a runner; prints its token once (the server keeps only its hash).")

        @OptionGroup var server: ServerOption
        @Argument(help: "The runner's name.") var name: String

        func run() async throws {
            let client = try ServerRunnersCommand.client(server)
            let data = try await client.call(.POST, "/api/v1/runners", body: ["name": name])
            guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any], let token = object["token"] as? String
            else { throw CommandFailure("the server's answer has no token") }
            print(token)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the registered runners.")

        @OptionGroup var server: ServerOption

        func run() async throws {
            let client = try ServerRunnersCommand.client(server)
            let rows = try await client.list("/api/v1/runners")
            print("ID\tNAME\tLABELS\tLAST SEEN")
            for row in rows {
                let labels = (row["labels"] as? [String]).map { $0.joined(separator: ",") } ?? ""
                print(
                    "\(row["id"] ?? "")\t\(row["name"] ?? "")\t\(labels.isEmpty ? "-" : labels)\t\(row["last_seen_at"] as? String ?? "never")"
                )
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a runner: its token stops working.")

        @OptionGroup var server: ServerOption
        @Argument(help: "The runner's id.") var id: Int

        func run() async throws {
            let client = try ServerRunnersCommand.client(server)
            _ = try await client.call(.DELETE, "/api/v1/runners/\(id)", notFound: "no runner has the id \(id)")
            print("removed runner \(id)")
        }
    }

    static func client(_ option: ServerOption) throws -> ServerClient {
        guard let client = try option.client() else { throw CommandFailure("name the server with --server or SLIPWAY_SERVER") }
        return client
    }
}
