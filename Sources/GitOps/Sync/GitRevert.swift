import Core
import Foundation

/// Rolls a GitOps branch back the way people do by hand — `git revert` of the bad commit, pushed — but serialised
/// with image write-back on the same repository and retried when someone pushed first.
public struct GitRevert: Sendable {
    public var cacheRoot: String
    public var maxAttempts: Int

    public init(cacheRoot: String, maxAttempts: Int = 8) {
        self.cacheRoot = cacheRoot
        self.maxAttempts = maxAttempts
    }

    /// Reverts `revision` on `branch` with a message saying why; returns the revert commit.
    public func revert(repository: String, branch: String, revision: String, reason: String) async throws -> String {
        try await BranchWorkspace.withLock(cacheRoot: cacheRoot, repository: repository, branch: branch) { _, git in
            try await locked(branch: branch, revision: revision, reason: reason, git: git)
        }
    }

    private func locked(branch: String, revision: String, reason: String, git: Git) async throws -> String {
        guard await git.succeeds(["merge-base", "--is-ancestor", revision, "HEAD"]) else {
            throw SyncError.rollbackRefused("\(revision.prefix(12)) is not on branch \(branch)")
        }
        let subject = (try? await git.run(["log", "-1", "--format=%s", revision])) ?? revision
        let message = "Revert \"\(subject)\"\n\nThis reverts commit \(revision).\n\n\(reason)\n"
        var lastError = ""
        for attempt in 1...maxAttempts {
            do {
                try await git.run(["revert", "--no-edit", "--no-commit", revision], environment: ImageWriteBack.identity)
                try await git.run(["commit", "--quiet", "-m", message], environment: ImageWriteBack.identity)
            } catch let failure as Git.Failure {
                _ = await git.succeeds(["revert", "--abort"])
                _ = await git.succeeds(["reset", "--quiet", "--hard", "HEAD"])
                throw SyncError.rollbackRefused("git revert of \(revision.prefix(12)) does not apply cleanly: \(failure.output)")
            }
            let sha = try await git.run(["rev-parse", "HEAD"])
            do {
                try await git.run(["push", "--quiet", "origin", "HEAD:refs/heads/\(branch)"])
                return sha
            } catch let failure as Git.Failure {
                lastError = failure.output
            }
            try await git.run(["fetch", "--quiet", "origin", branch])
            try await git.run(["reset", "--quiet", "--hard", "FETCH_HEAD"])
            try await Task.sleep(for: .milliseconds(Int.random(in: 10...40) * attempt))
        }
        throw WriteBackError.pushRejected(branch: branch, attempts: maxAttempts, lastError: lastError)
    }
}
