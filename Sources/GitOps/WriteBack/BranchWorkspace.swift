import Core
import Foundation

/// A private clone of one branch of a GitOps repository, shared by everything that commits to that branch (image
/// write-back, rollback reverts) and used by one writer at a time, across processes.
enum BranchWorkspace {
    /// Runs `body` holding the branch's writer lock, in the workspace brought exactly to the remote branch.
    static func withLock<T: Sendable>(
        cacheRoot: String, lockDirectory: String, repository: String, branch: String,
        _ body: @Sendable @escaping (String, Git) async throws -> T
    ) async throws -> T {
        let key = ImageWriteBack.digest(RepositoryIdentity.normalised(repository) + "\n" + branch)
        let locks: String
        do { locks = try MachineLockDirectory.prepare(lockDirectory) } catch { throw WriteBackError.lock(lockDirectory, "\(error)") }
        let workspace = cacheRoot + "/workspaces/" + key
        return try await WriterLock.shared.withLock(locks + "/gitops-" + key + ".lock") {
            let git = Git(directory: workspace)
            try await prepare(repository: repository, branch: branch, workspace: workspace, git: git)
            return try await body(workspace, git)
        }
    }

    /// Clones on first use; afterwards fetches and resets, discarding local leftovers from earlier runs.
    static func prepare(repository: String, branch: String, workspace: String, git: Git) async throws {
        if FileManager.default.fileExists(atPath: workspace + "/.git") {
            try await git.run(["fetch", "--quiet", "origin", branch])
            try await git.run(["checkout", "--quiet", "-B", branch, "FETCH_HEAD"])
            try await git.run(["reset", "--quiet", "--hard", "FETCH_HEAD"])
            try await git.run(["clean", "--quiet", "-fdx"])
            return
        }
        let parent = FilePathText.parent(of: workspace)
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        let staging = workspace + ".clone-\(UUID().uuidString)"
        do {
            try await Git(directory: parent).run([
                "clone", "--quiet", "--no-tags", "--single-branch", "--branch", branch,
                ImageWriteBack.canonicalRepository(repository), staging,
            ])
        } catch let failure as Git.Failure {
            try? FileManager.default.removeItem(atPath: staging)
            throw WriteBackError.git("cannot clone \(repository) (branch \(branch)): \(failure.output)")
        }
        try FileManager.default.moveItem(atPath: staging, toPath: workspace)
    }
}
