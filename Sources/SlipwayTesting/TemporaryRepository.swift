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

    public func git(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", path] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
    }

    /// Commits everything in the working tree (with a fixed test identity).
    public func commitAll(_ message: String) throws {
        try git(["add", "-A"])
        try git(["-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", message])
    }

    public func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}
