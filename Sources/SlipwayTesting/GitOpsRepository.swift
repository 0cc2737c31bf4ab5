import Core
import Foundation

/// A GitOps repository for tests: a bare repository (what syncs read) and a working copy that pushes to it.
public struct GitOpsRepository: Sendable {
    public let root: String
    public let work: String
    public let bare: String

    static let identity = [
        "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@slipway.invalid",
        "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@slipway.invalid",
    ]

    /// A fresh repository whose first commit on `main` holds `files` (relative path → text).
    public static func make(_ label: String, files: [String: String]) async throws -> GitOpsRepository {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)").path
        let repository = GitOpsRepository(root: root, work: root + "/work", bare: root + "/gitops.git")
        try repository.write(files)
        let git = Git(directory: repository.work)
        try await git.run(["init", "--quiet", "--initial-branch=main"])
        try await git.run(["add", "."])
        try await git.run(["commit", "--quiet", "-m", "initial"], environment: identity)
        try await Git(directory: root).run(["clone", "--quiet", "--bare", repository.work, repository.bare])
        try await git.run(["remote", "add", "bare", repository.bare])
        return repository
    }

    /// Writes `files`, commits them with `message` and pushes to the bare repository; returns the commit.
    @discardableResult
    public func push(_ files: [String: String], message: String) async throws -> String {
        try write(files)
        let git = Git(directory: work)
        try await git.run(["add", "-A"])
        try await git.run(["commit", "--quiet", "-m", message], environment: Self.identity)
        try await git.run(["push", "--quiet", "bare", "HEAD:refs/heads/main"])
        return try await git.run(["rev-parse", "HEAD"])
    }

    private func write(_ files: [String: String]) throws {
        for (path, text) in files {
            let url = URL(fileURLWithPath: work).appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
    }

    public func remove() { try? FileManager.default.removeItem(atPath: root) }
}
