import Core
import Foundation
import Workflows

/// The directory a job instance runs in: its own `git worktree` of the event's commit (sharing the repository's
/// object store — never a copy of the tree), or in `shared` mode, without git, or without the event's commit in the
/// repository, the working tree itself.
struct JobWorkspace: Sendable {
    let path: String
    let isWorktree: Bool
}

/// Where jobs run: their own worktrees (the default) or the repository's working tree.
public enum WorkspaceMode: String, Sendable, CaseIterable {
    case worktree
    case shared
}

/// The worktrees of one workflow run, like a host's runner slots: at most `capacity` exist; a job takes a free one
/// (reset to the event's commit with `checkout --force` and `clean -ffdx`, as a fresh checkout would be) or a new
/// one while fewer exist, else waits for one. Creating a worktree costs tens of milliseconds of filesystem work,
/// resetting one a few, so a chain of 30 jobs pays for one worktree, not thirty.
actor WorkspacePool {
    private let options: RunOptions
    private let capacity: Int
    private let directory: String
    private var free: [String] = []
    private var created = 0
    private var waiting: [CheckedContinuation<String?, Never>] = []
    private var unavailable: String?

    init(options: RunOptions, capacity: Int = max(4, 2 * ProcessInfo.processInfo.activeProcessorCount)) {
        self.options = options
        self.capacity = capacity
        directory = "\(options.stateDirectory)/workspaces/\(options.runID)-\(UUID().uuidString.prefix(8))"
    }

    private var enabled: Bool {
        let sha = options.event.sha
        return options.workspaceMode == .worktree && !options.dryRun && !sha.isEmpty && !sha.allSatisfy { $0 == "0" }
    }

    /// A workspace for one job instance, and a note when it had to be the working tree.
    func acquire() async -> (JobWorkspace, String?) {
        let shared = JobWorkspace(path: options.repositoryRoot, isWorktree: false)
        guard enabled else { return (shared, nil) }
        while true {
            if let unavailable { return (shared, unavailable) }
            var reusable = free.popLast()
            if reusable == nil, created >= capacity {
                // Woken with a worktree to reuse, or with nil when a slot opened or worktrees became unavailable.
                reusable = await withCheckedContinuation { waiting.append($0) }
                if reusable == nil { continue }
            }
            if let path = reusable {
                if await reset(path) { return (JobWorkspace(path: path, isWorktree: true), nil) }
                // A job broke its worktree beyond repair: replace it.
                try? FileManager.default.removeItem(atPath: path)
                created -= 1
            }
            return await create(shared: shared)
        }
    }

    private func reset(_ path: String) async -> Bool {
        let git = Git(directory: path)
        guard await git.succeeds(["checkout", "-q", "--force", "--detach", options.event.sha]) else { return false }
        return await git.succeeds(["clean", "-ffdxq"])
    }

    private func create(shared: JobWorkspace) async -> (JobWorkspace, String?) {
        created += 1
        let path = "\(directory)/\(created)-\(UUID().uuidString.prefix(6))"
        let git = Git(directory: options.repositoryRoot)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            // A missing commit is final; anything else (a lock held by a concurrent git) gets two more tries before
            // the whole run gives up on worktrees (`--force` re-adds a path left registered by a failed try).
            var attempt = 0
            while true {
                do {
                    try await git.run(["worktree", "add", "--detach", "--force", "-q", path, options.event.sha])
                    break
                } catch {
                    attempt += 1
                    try? FileManager.default.removeItem(atPath: path)
                    guard attempt < 3, await git.succeeds(["cat-file", "-e", options.event.sha + "^{commit}"]) else { throw error }
                    try await Task.sleep(for: .milliseconds(50 * attempt))
                }
            }
            return (JobWorkspace(path: path, isWorktree: true), nil)
        } catch {
            created -= 1
            let reason = (error as? Git.Failure).flatMap { $0.output.split(separator: "\n").last.map(String.init) } ?? "\(error)"
            let note = "no worktree of commit \(options.event.sha.prefix(12)) (\(reason)): jobs run in the working tree"
            unavailable = note
            // Jobs waiting for a slot would wait forever: send them to the working tree too.
            let waiters = waiting
            waiting.removeAll()
            for waiter in waiters { waiter.resume(returning: nil) }
            return (shared, note)
        }
    }

    /// Hands a job's worktree to the next job waiting, or keeps it for later.
    func release(_ workspace: JobWorkspace) {
        guard workspace.isWorktree else { return }
        if waiting.isEmpty {
            free.append(workspace.path)
        } else {
            waiting.removeFirst().resume(returning: workspace.path)
        }
    }

    /// Deletes every worktree of the run and drops git's records of them.
    func drain() async {
        guard created > 0 || FileManager.default.fileExists(atPath: directory) else { return }
        // git's record of each worktree is the directory its `.git` file names; removing both is what
        // `git worktree prune` would do for them, without a git process at the end of every run.
        var records: [String] = []
        var unknown = false
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] {
            let pointer = (try? String(contentsOfFile: "\(directory)/\(name)/.git", encoding: .utf8)) ?? ""
            guard pointer.hasPrefix("gitdir: ") else {
                unknown = true
                continue
            }
            let record = pointer.dropFirst("gitdir: ".count).trimmingCharacters(in: .whitespacesAndNewlines)
            if record.contains("/worktrees/") { records.append(record) } else { unknown = true }
        }
        try? FileManager.default.removeItem(atPath: directory)
        for record in records { try? FileManager.default.removeItem(atPath: record) }
        free.removeAll()
        created = 0
        if unknown { _ = await Git(directory: options.repositoryRoot).succeeds(["worktree", "prune"]) }
    }
}
