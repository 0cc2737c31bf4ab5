import Foundation

/// A scratch git repository for integration tests, removed on `remove()`.
public struct TemporaryRepository: Sendable {
    public let path: String

    /// Copies `source` (if given) into a fresh directory and commits it.
    public static func make(copying source: String? = nil) throws -> TemporaryRepository {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-test-\(UUID().uuidString)").path
        if let source {
            try FileManager.default.copyItem(atPath: source, toPath: path)
        } else {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }
        let repo = TemporaryRepository(path: path)
        try repo.git(["init", "-q", "-b", "main"])
        try repo.git(["add", "-A"])
        try repo.git([
            "-c", "user.email=test@slipway.invalid", "-c", "user.name=Slipway Test", "commit", "-q", "--allow-empty", "-m", "fixture",
        ])
        return repo
    }

    public func write(_ relative: String, _ text: String) throws {
        let url = URL(fileURLWithPath: path).appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    /// Runs git in the repository; a failure throws with git's own message (a silently failed commit once made a test
    /// run the previous commit).
    public func git(_ arguments: [String]) throws {
        _ = try output(arguments)
    }

    /// Runs git in the repository and returns what it printed, trimmed.
    public func output(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", path] + arguments
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        // Read both before waiting: a full pipe would block git.
        let printed = stdout.fileHandleForReading.readDataToEndOfFile()
        let complaint = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TemporaryRepositoryError.gitFailed(
                arguments: arguments, status: process.terminationStatus, message: String(decoding: complaint, as: UTF8.self))
        }
        return String(decoding: printed, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The commit `HEAD` names.
    public func head() throws -> String { try output(["rev-parse", "HEAD"]) }

    /// Commits everything in the working tree (with a fixed test identity).
    public func commitAll(_ message: String) throws {
        try git(["add", "-A"])
        try git(["-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", message])
    }

    public func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// A git command of a test repository failed.
public enum TemporaryRepositoryError: Error, CustomStringConvertible {
    case gitFailed(arguments: [String], status: Int32, message: String)

    public var description: String {
        switch self {
        case .gitFailed(let arguments, let status, let message):
            "git \(arguments.joined(separator: " ")) exited \(status): \(message)"
        }
    }
}
