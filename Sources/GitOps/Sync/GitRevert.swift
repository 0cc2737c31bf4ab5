import Core
import Foundation

/// Rolls a GitOps branch back the way people do by hand — `git revert` of the bad commit, pushed — but serialised
/// with image write-back on the same repository and retried when someone pushed first.
public struct GitRevert: Sendable {
    public var cacheRoot: String
    /// Shared with image write-back on this machine (see ``ImageWriteBack/lockDirectory``).
    public var lockDirectory: String
    public var retry: PushRetry

    public init(cacheRoot: String, lockDirectory: String = MachineLockDirectory.path(), retry: PushRetry = PushRetry()) {
        self.cacheRoot = cacheRoot
        self.lockDirectory = lockDirectory
        self.retry = retry
    }

    /// A revert, and whether it was pushed earlier (by this release, before a restart) rather than now.
    public struct Outcome: Sendable, Hashable {
        public var revision: String
        public var alreadyPushed: Bool
    }

    /// Reverts `revision` on `branch` with a message saying why; returns the revert commit. With a `key`, the
    /// commit carries it as a `Slipway-Release-Key:` trailer and a revert already on the branch with that key is
    /// answered instead of making another: whoever asks again after a crash gets the same commit, never a second.
    public func revert(repository: String, branch: String, revision: String, reason: String, key: String? = nil) async throws -> Outcome {
        try await BranchWorkspace.withLock(cacheRoot: cacheRoot, lockDirectory: lockDirectory, repository: repository, branch: branch) {
            _, git in
            try await locked(branch: branch, revision: revision, reason: reason, key: key, git: git)
        }
    }

    private func locked(branch: String, revision: String, reason: String, key: String?, git: Git) async throws -> Outcome {
        if let key, let earlier = try await Self.revert(withKey: key, git: git) { return Outcome(revision: earlier, alreadyPushed: true) }
        guard await git.succeeds(["merge-base", "--is-ancestor", revision, "HEAD"]) else {
            throw SyncError.rollbackRefused("\(revision.prefix(12)) is not on branch \(branch)")
        }
        let subject = (try? await git.run(["log", "-1", "--format=%s", revision])) ?? revision
        let trailer = key.map { "\nSlipway-Release-Key: \($0)" } ?? ""
        let message = "Revert \"\(subject)\"\n\nThis reverts commit \(revision).\n\n\(reason)\(trailer)\n"
        var lastError = ""
        let started = ContinuousClock.now
        var attempt = 0
        while true {
            attempt += 1
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
                return Outcome(revision: sha, alreadyPushed: false)
            } catch let failure as Git.Failure {
                guard PushRetry.isRace(failure.output) else {
                    throw WriteBackError.git("push to \(branch) refused: \(failure.output)")
                }
                lastError = failure.output
            }
            try await git.run(["fetch", "--quiet", "origin", branch])
            try await git.run(["reset", "--quiet", "--hard", "FETCH_HEAD"])
            if let key, let earlier = try await Self.revert(withKey: key, git: git) {
                return Outcome(revision: earlier, alreadyPushed: true)
            }
            let elapsed = ContinuousClock.now - started
            guard elapsed < retry.deadline else {
                throw WriteBackError.pushRejected(branch: branch, attempts: attempt, elapsed: elapsed, lastError: lastError)
            }
            try await Task.sleep(for: retry.backoff(after: attempt))
        }
    }

    /// The commit on the branch (HEAD, freshly fetched) whose message carries `Slipway-Release-Key: key`.
    static func revert(withKey key: String, git: Git) async throws -> String? {
        let found = try await git.run(["log", "--format=%H", "--fixed-strings", "--grep=Slipway-Release-Key: \(key)", "HEAD"])
        return found.split(separator: "\n").first.map(String.init)
    }
}
