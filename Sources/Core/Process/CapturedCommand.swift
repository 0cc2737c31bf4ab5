import Foundation
import Subprocess

/// Runs a short command to completion and captures its output — for tools such as `git` that Slipway drives
/// itself. Steps of a workflow use `Runner`'s process-group runner instead (streaming, timeouts, cancellation).
public enum CapturedCommand {
    public struct Result: Sendable {
        public var succeeded: Bool
        public var status: String
        public var standardOutput: String
        public var standardError: String
    }

    /// Runs `executable` (looked up on PATH) in the current directory; `environment` is added to the inherited one.
    public static func run(
        _ executable: String, _ arguments: [String], environment extra: [String: String] = [:]
    ) async throws -> Result {
        var environment: [Environment.Key: String?] = [:]
        for (key, value) in extra { environment[Environment.Key(stringLiteral: key)] = value }
        let result = try await Subprocess.run(
            .name(executable), arguments: Arguments(arguments),
            environment: .inherit.updating(environment),
            output: .string(limit: 8 << 20), error: .string(limit: 1 << 20))
        return Result(
            succeeded: result.terminationStatus.isSuccess, status: "\(result.terminationStatus)",
            standardOutput: result.standardOutput ?? "", standardError: result.standardError ?? "")
    }
}
