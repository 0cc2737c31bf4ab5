import Foundation
import Subprocess

/// Runs `git` in a working directory, capturing output; failures carry git's own message.
struct Git: Sendable {
    let directory: String

    struct Failure: Error, CustomStringConvertible {
        var arguments: [String]
        var status: String
        var output: String
        var description: String { "git \(arguments.joined(separator: " ")) failed (\(status)): \(output)" }
    }

    @discardableResult
    func run(_ arguments: [String], environment extra: [String: String] = [:]) async throws -> String {
        var environment: [Environment.Key: String?] = [
            "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C",
        ]
        for (key, value) in extra { environment[Environment.Key(stringLiteral: key)] = value }
        let result = try await Subprocess.run(
            .name("git"), arguments: Arguments(["-C", directory] + arguments),
            environment: .inherit.updating(environment),
            output: .string(limit: 8 << 20), error: .string(limit: 1 << 20))
        let output = (result.standardOutput ?? "") + (result.standardError ?? "")
        guard result.terminationStatus.isSuccess else {
            throw Failure(
                arguments: arguments, status: "\(result.terminationStatus)",
                output: output.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return (result.standardOutput ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func succeeds(_ arguments: [String]) async -> Bool {
        (try? await run(arguments)) != nil
    }
}
