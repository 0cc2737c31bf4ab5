import ArgumentParser
import Foundation

/// `--server URL` (or `SLIPWAY_SERVER`): read runs and releases, and decide gates, through a Slipway server's API
/// instead of local files. The token comes from `SLIPWAY_TOKEN` or `--token-file`, never from the command line (where
/// any user's `ps` would show it).
struct ServerOption: ParsableArguments {
    @Option(name: .customLong("server"), help: "A Slipway server's URL (default: $SLIPWAY_SERVER); the API is used instead of local files.")
    var url: String?

    @Option(help: "A file holding the API token (default: $SLIPWAY_TOKEN).")
    var tokenFile: String?

    /// The client, when a server is named (by option or environment).
    func client() throws -> ServerClient? {
        let environment = ProcessInfo.processInfo.environment
        guard let url = url ?? environment["SLIPWAY_SERVER"].flatMap({ $0.isEmpty ? nil : $0 }) else { return nil }
        guard let parsed = URL(string: url), let scheme = parsed.scheme, ["http", "https"].contains(scheme), parsed.host != nil else {
            throw ValidationError("--server must be an http:// or https:// URL, not '\(url)'")
        }
        let token: String
        if let tokenFile {
            guard let data = FileManager.default.contents(atPath: tokenFile) else { throw CommandFailure("cannot read \(tokenFile)") }
            token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        } else if let fromEnvironment = environment["SLIPWAY_TOKEN"], !fromEnvironment.isEmpty {
            token = fromEnvironment
        } else {
            throw CommandFailure("the server \(url) needs an API token: set SLIPWAY_TOKEN or pass --token-file")
        }
        return ServerClient(baseURL: url.hasSuffix("/") ? String(url.dropLast()) : url, token: token)
    }
}
