import Core
import Foundation

/// A run's artifacts as one tar archive, for the way between a server and a runner: the run's artifact directory
/// packed whole, and unpacked without replacing what is there (an artifact name is written once per run).
public enum ArtifactArchive {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// The archive of `directory`'s contents; nil when it does not exist.
    public static func pack(_ directory: String) async throws -> [UInt8]? {
        guard FileManager.default.fileExists(atPath: directory) else { return nil }
        let file = NSTemporaryDirectory() + "slipway-artifacts-\(UUID().uuidString).tar"
        defer { try? FileManager.default.removeItem(atPath: file) }
        let result = try await CapturedCommand.run("tar", ["-C", directory, "-cf", file, "."])
        guard result.succeeded else { throw Failure(description: "cannot pack \(directory): \(result.standardError)") }
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
    }

    /// Unpacks `archive` into `directory` (created when missing), keeping files that exist.
    public static func unpack(_ archive: [UInt8], into directory: String) async throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let file = NSTemporaryDirectory() + "slipway-artifacts-\(UUID().uuidString).tar"
        defer { try? FileManager.default.removeItem(atPath: file) }
        try Data(archive).write(to: URL(fileURLWithPath: file))
        let result = try await CapturedCommand.run(
            "tar", ["-C", directory, "-xf", file, "--skip-old-files", "--no-same-owner", "--no-same-permissions"])
        guard result.succeeded else { throw Failure(description: "cannot unpack artifacts into \(directory): \(result.standardError)") }
    }
}
