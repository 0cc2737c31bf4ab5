import Core
import Foundation

/// Runs `git` in a working directory; failures carry git's own message.
struct Git: Sendable {
    let directory: String

    struct Failure: Error, CustomStringConvertible {
        var arguments: [String]
        var status: String
        var output: String
        var description: String { "git \(arguments.joined(separator: " ")) failed (\(status)): \(output)" }
    }

    /// The trimmed standard output of `git -C directory arguments...`.
    @discardableResult
    func run(_ arguments: [String], environment extra: [String: String] = [:]) async throws -> String {
        var environment = ["GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"]
        environment.merge(extra) { $1 }
        let result = try await CapturedCommand.run("git", ["-C", directory] + arguments, environment: environment)
        guard result.succeeded else {
            throw Failure(
                arguments: arguments, status: result.status,
                output: (result.standardOutput + result.standardError).trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func succeeds(_ arguments: [String]) async -> Bool {
        (try? await run(arguments)) != nil
    }
}
