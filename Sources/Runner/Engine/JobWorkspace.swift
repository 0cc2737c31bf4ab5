import Core
import Foundation
import Workflows

/// The directory a job instance runs in. By default each job gets its own `git worktree` of the event's commit
/// under `.slipway/workspaces/<run>/<job>` — its own files, sharing the repository's object store, never a copy of
/// the tree — removed when the job ends. Without git, without the event's commit in the repository, or in `shared`
/// mode, jobs run in the repository's working tree.
struct JobWorkspace: Sendable {
    let path: String
    let isWorktree: Bool

    static func prepare(options: RunOptions, instance: String) async -> (workspace: JobWorkspace, note: String?) {
        let shared = JobWorkspace(path: options.repositoryRoot, isWorktree: false)
        guard options.workspaceMode == .worktree, !options.dryRun else { return (shared, nil) }
        let git = Git(directory: options.repositoryRoot)
        let sha = options.event.sha
        guard !sha.isEmpty, await git.succeeds(["cat-file", "-e", sha + "^{commit}"]) else {
            return (shared, "commit \(sha.prefix(12)) is not in this repository: the job runs in the working tree")
        }
        let path = "\(options.stateDirectory)/workspaces/\(options.runID)/\(instance)"
        do {
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try await git.run(["worktree", "add", "--detach", "--force", "-q", path, sha])
        } catch {
            return (shared, "could not create a worktree (\(error)): the job runs in the working tree")
        }
        return (JobWorkspace(path: path, isWorktree: true), nil)
    }

    func remove(repositoryRoot: String) async {
        guard isWorktree else { return }
        let git = Git(directory: repositoryRoot)
        if !(await git.succeeds(["worktree", "remove", "--force", path])) {
            try? FileManager.default.removeItem(atPath: path)
            _ = await git.succeeds(["worktree", "prune"])
        }
    }
}

/// Where jobs run: their own worktrees (the default) or the repository's working tree.
public enum WorkspaceMode: String, Sendable, CaseIterable {
    case worktree
    case shared
}
