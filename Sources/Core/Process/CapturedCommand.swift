import Foundation
import Subprocess
import SystemPackage

/// Runs a short command to completion and captures its output — for tools such as `git` that Slipway drives
/// itself. Steps of a workflow use `Runner`'s process-group runner instead (streaming, timeouts, cancellation).
public enum CapturedCommand {
    public struct Result: Sendable {
        public var succeeded: Bool
        public var status: String
        public var standardOutput: String
        public var standardError: String
    }

    /// Runs `executable` (a path, or a name looked up on PATH) in the current directory; `environment` is added to the inherited one.
    /// With a `timeout`, a command still running then is killed and reported as failed ("timed out after …").
    public static func run(
        _ executable: String, _ arguments: [String], environment extra: [String: String] = [:],
        timeout: Duration? = nil
    ) async throws -> Result {
        guard let timeout else { return try await run(executable, arguments, environment: extra) }
        return try await withThrowingTaskGroup(of: Result?.self) { group in
            group.addTask { try await run(executable, arguments, environment: extra) }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let result = first else {
                // Cancelling the group tears the child down (swift-subprocess ends its teardown with SIGKILL).
                return Result(
                    succeeded: false, status: "timed out after \(timeout.components.seconds) s",
                    standardOutput: "", standardError: "")
            }
            return result
        }
    }

    private static func run(
        _ executable: String, _ arguments: [String], environment extra: [String: String]
    ) async throws -> Result {
        var environment: [Environment.Key: String?] = [:]
        for (key, value) in extra { environment[Environment.Key(stringLiteral: key)] = value }
        let result = try await Subprocess.run(
            .path(FilePath(resolve(executable))), arguments: Arguments(arguments),
            environment: .inherit.updating(environment),
            output: .string(limit: 8 << 20), error: .string(limit: 1 << 20))
        return Result(
            succeeded: result.terminationStatus.isSuccess, status: "\(result.terminationStatus)",
            standardOutput: result.standardOutput, standardError: result.standardError)
    }

    /// `executable` as a path: looked up on PATH here, once, because the process library's own lookup forks a child
    /// for every PATH entry it tries.
    static func resolve(_ executable: String) -> String {
        guard !executable.contains("/") else { return executable }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = directory + "/" + executable
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return executable
    }
}
