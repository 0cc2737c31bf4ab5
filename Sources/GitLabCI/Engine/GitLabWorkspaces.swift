import Core
import Foundation

/// Where a job's script runs: a fresh `git worktree` of the pipeline's commit per job (GitLab clones for every job),
/// or the working tree when the directory is no git repository or the commit is not in it.
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
    private var unavailable: String?

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
        if let unavailable { return Workspace(path: repositoryRoot, isWorktree: false, note: unavailable) }
        counter += 1
        let path = "\(directory)/\(counter)-\(PipelineContext.slug(job).prefix(30))"
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        do {
            try await Git(directory: repositoryRoot).run(["worktree", "add", "--detach", "--force", "-q", path, sha])
            return Workspace(path: path, isWorktree: true, note: nil)
        } catch {
            let note = "Executor: shell on the host, in the working tree (no worktree of \(sha.prefix(8)): \(error))"
            unavailable = note
            return Workspace(path: repositoryRoot, isWorktree: false, note: note)
        }
    }

    func release(_ workspace: Workspace) async {
        guard workspace.isWorktree else { return }
        _ = await Git(directory: repositoryRoot).succeeds(["worktree", "remove", "--force", workspace.path])
        try? FileManager.default.removeItem(atPath: workspace.path)
    }
}
