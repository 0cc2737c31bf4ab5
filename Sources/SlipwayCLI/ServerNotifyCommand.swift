import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// `slipway server notify`: what the post-receive hook the server installs runs — it tells the server (found through
/// DATA-DIR/server.json) to look at the project now. A server that is down is not an error for the push: polling will
/// see it.
struct ServerNotifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notify",
        abstract: "Tell a running server that a project was pushed to (run by the post-receive hook it installs).",
        discussion: "The hook's token comes from the environment (SLIPWAY_HOOK_TOKEN), never the command line."
    )

    @Option(help: "The server's data directory.")
    var dataDir: String

    @Option(help: "The project's id.")
    var project: Int

    func run() async throws {
        guard let token = ProcessInfo.processInfo.environment["SLIPWAY_HOOK_TOKEN"], !token.isEmpty else {
            throw CommandFailure("SLIPWAY_HOOK_TOKEN is not set")
        }
        guard let data = FileManager.default.contents(atPath: dataDir + "/server.json"),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let url = object["url"] as? String
        else {
            FileHandle.standardError.write(
                Data("slipway: no server is running for \(dataDir); the push will be seen when it looks next\n".utf8))
            return
        }
        var request = HTTPClientRequest(url: url + "/api/v1/hooks/git?project=\(project)")
        request.method = .POST
        request.headers.add(name: "X-Slipway-Hook-Token", value: token)
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            _ = try await response.body.collect(upTo: 1 << 16)
            guard response.status == .accepted else {
                FileHandle.standardError.write(
                    Data("slipway: the server at \(url) refused the notification (\(response.status.code))\n".utf8))
                return
            }
        } catch {
            FileHandle.standardError.write(
                Data("slipway: the server at \(url) is not reachable; the push will be seen when it looks next\n".utf8))
        }
    }
}
