import Foundation

/// Runs `git` in a working directory, never prompting for credentials; failures carry git's own message.
public struct Git: Sendable {
    public let directory: String

    public struct Failure: Error, CustomStringConvertible {
        public var arguments: [String]
        public var status: String
        public var output: String
        public var description: String { "git \(arguments.joined(separator: " ")) failed (\(status)): \(output)" }
    }

    public init(directory: String) {
        self.directory = directory
    }

    /// The trimmed standard output of `git -C directory arguments...`.
    @discardableResult
    public func run(
        _ arguments: [String], environment extra: [String: String] = [:], timeout: Duration? = nil
    ) async throws -> String {
        var environment = ["GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"]
        environment.merge(extra) { $1 }
        let result = try await CapturedCommand.run(
            "git", ["-C", directory] + arguments, environment: environment, timeout: timeout)
        guard result.succeeded else {
            throw Failure(
                arguments: arguments, status: result.status,
                output: (result.standardOutput + result.standardError).trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The ref HEAD stands for: `refs/heads/<branch>`, else `refs/tags/<tag>` of a tag pointing at it, else nil
    /// (a detached HEAD, or not a repository).
    public func currentRef() async -> String? {
        if let branch = try? await run(["symbolic-ref", "-q", "HEAD"]), !branch.isEmpty { return branch }
        if let tag = try? await run(["describe", "--tags", "--exact-match", "HEAD"]), !tag.isEmpty { return "refs/tags/" + tag }
        return nil
    }

    public func succeeds(_ arguments: [String]) async -> Bool {
        (try? await run(arguments)) != nil
    }
}
