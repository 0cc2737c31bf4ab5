import Core
import Foundation

/// Where a job's script runs: a worktree of the pipeline's commit as a fresh clone would have it (GitLab clones for
/// every job), or the working tree when the directory is no git repository or the commit is not in it. A finished
/// job's worktree is reset (`checkout --force`, `clean -ffdx`) for the next job instead of being created again, as a
/// runner's build directory is; all of them are removed when the pipeline ends.
actor GitLabWorkspaces {
    struct Workspace: Sendable {
        let path: String
        let isWorktree: Bool
        let note: String?
    }

    let repositoryRoot: String
    let sha: String
    let directory: String
    let shared: Bool
    private var counter = 0
    private var free: [String] = []
    private var created: [String] = []
    private var unavailable: String?
    /// One git operation on the repository's worktrees at a time: the actor lets another job's `acquire` in while
    /// git runs, and two `git worktree add` side by side can fail (then a job would fall back to the working tree).
    private let gitLock = KeyedLock<Int>()

    init(repositoryRoot: String, sha: String, directory: String, shared: Bool) {
        self.repositoryRoot = repositoryRoot
        self.sha = sha
        self.directory = directory
        self.shared = shared
    }

    func acquire(for job: String) async -> Workspace {
        if shared || sha.isEmpty {
            return Workspace(path: repositoryRoot, isWorktree: false, note: nil)
        }
        // The lock's body does not throw: the error type only satisfies `withLock`.
        return (try? await gitLock.withLock(0) { await self.acquireLocked() })
            ?? Workspace(path: repositoryRoot, isWorktree: false, note: "Workspace: the working tree (no worktree)")
    }

    private func acquireLocked() async -> Workspace {
        if let unavailable { return Workspace(path: repositoryRoot, isWorktree: false, note: unavailable) }
        while let path = free.popLast() {
            let git = Git(directory: path)
            if await git.succeeds(["checkout", "-q", "--force", "--detach", sha]), await git.succeeds(["clean", "-ffdxq"]) {
                return Workspace(path: path, isWorktree: true, note: nil)
            }
            await discard(path)
        }
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var failure = ""
        // Tried twice: a worktree the first attempt left half made is pruned before the second.
        for _ in 0..<2 {
            counter += 1
            let path = "\(directory)/\(counter)"
            do {
                try await Git(directory: repositoryRoot).run(["worktree", "add", "--detach", "--force", "-q", path, sha])
                created.append(path)
                return Workspace(path: path, isWorktree: true, note: nil)
            } catch {
                failure = "\(error)"
                try? FileManager.default.removeItem(atPath: path)
                _ = await Git(directory: repositoryRoot).succeeds(["worktree", "prune"])
            }
        }
        let note = "Workspace: the working tree (no worktree of \(sha.prefix(8)): \(failure))"
        unavailable = note
        return Workspace(path: repositoryRoot, isWorktree: false, note: note)
    }

    /// Hands a finished job's worktree to the next job.
    func release(_ workspace: Workspace) {
        guard workspace.isWorktree else { return }
        free.append(workspace.path)
    }

    /// Removes every worktree of the pipeline.
    func drain() async {
        for path in created { await discard(path) }
        created.removeAll()
        free.removeAll()
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func discard(_ path: String) async {
        _ = await Git(directory: repositoryRoot).succeeds(["worktree", "remove", "--force", path])
        try? FileManager.default.removeItem(atPath: path)
        created.removeAll { $0 == path }
    }
}
