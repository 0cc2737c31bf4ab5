import Core
import Foundation

/// Runs recorded as they start, so a run that waits (for reviewers, a wait timer) is visible, and ended with a reason
/// when the process running them died.
extension RunStore {
    /// This machine's name, recorded with the runs its processes run.
    static let host = ProcessInfo.processInfo.hostName

    /// Records a run that is starting (status `in_progress`, owned by this process); answers its id.
    public func begin(_ run: Run) throws -> Int64 {
        var row = run
        row.status = Run.Status.inProgress
        row.result = ""
        let pid = getpid()
        row.pid = Int64(pid)
        row.processStart = ProcessLiveness.startTicks(pid)
        row.host = Self.host
        return try database.write { db in try db.insert(row) ?? 0 }
    }

    /// Completes a run begun with `begin`: its conclusion, duration and jobs, in one transaction. A run already ended
    /// (its process was taken for dead) keeps the ending recorded first.
    public func finish(_ id: Int64, result: String, duration: Double, jobs: [Job]) throws {
        try database.write { db in
            guard var run = try db.fetch(Run.self, id: id), run.status != Run.Status.completed else { return }
            run.status = Run.Status.completed
            run.result = result
            run.duration = duration
            run.pid = nil
            run.processStart = nil
            try db.update(run)
            for var job in jobs {
                job.runId = id
                try db.insert(job)
            }
        }
    }

    /// Runs whose process is gone (killed, crashed) end as failures saying so; their waiting deployments are
    /// abandoned. Only this host's processes are judged (replicas on other hosts share the database). Answers the runs
    /// ended.
    @discardableResult
    public func endRunsOfDeadProcesses() throws -> [Int64] {
        let open = try database.read { db in
            try db.fetchAll(Run.self, "SELECT * FROM run WHERE status IN (?, ?)", Run.Status.inProgress, Run.Status.waiting)
        }
        let dead = open.filter { run in
            guard let pid = run.pid, run.host == nil || run.host == Self.host else { return false }
            return !ProcessLiveness.isAlive(Int32(truncatingIfNeeded: pid), startedAt: run.processStart)
        }
        guard !dead.isEmpty else { return [] }
        let now = Date()
        return try database.write { db in
            var ended: [Int64] = []
            for stale in dead {
                guard let id = stale.id, var run = try db.fetch(Run.self, id: id), run.status != Run.Status.completed,
                    run.pid == stale.pid, run.processStart == stale.processStart
                else { continue }
                try Self.endOrphaned(
                    &run, reason: "the process running it (pid \(stale.pid ?? 0)) ended before the run did", now: now.timeIntervalSince1970,
                    in: db)
                ended.append(id)
            }
            return ended
        }
    }

    /// Ends, inside the caller's write transaction, a run whose process is gone: failed with `reason`, no longer owned,
    /// its waiting deployments abandoned.
    static func endOrphaned(_ run: inout Run, reason: String, now: Double, in db: any SQLConnection) throws {
        guard let id = run.id else { return }
        run.status = Run.Status.completed
        // GitLab's word for a pipeline, GitHub's for a workflow run.
        run.result = run.gitlabState == nil ? "failure" : "failed"
        run.endedReason = reason
        run.duration = max(0, now - run.startedAt.timeIntervalSince1970)
        run.pid = nil
        run.processStart = nil
        try db.update(run)
        try db.query(
            "UPDATE deployment SET state = ?, decidedAt = ?, reason = ? WHERE runId = ? AND state = ?", DeploymentState.abandoned.rawValue,
            now, reason, id, DeploymentState.waiting.rawValue)
    }

    /// Reopens a finished GitLab pipeline that is about to go on (a manual job played, failed jobs retried): owned by
    /// this process again, its jobs replaced when it finishes. Answers false when the run is in progress elsewhere.
    public func reopen(_ id: Int64) throws -> Bool {
        try database.write { db in
            guard var run = try db.fetch(Run.self, id: id), run.status == Run.Status.completed else { return false }
            let pid = getpid()
            run.status = Run.Status.inProgress
            run.result = ""
            run.endedReason = nil
            run.pid = Int64(pid)
            run.processStart = ProcessLiveness.startTicks(pid)
            run.host = Self.host
            try db.update(run)
            try db.query("DELETE FROM job WHERE runId = ?", id)
            return true
        }
    }

    /// Keeps a GitLab pipeline's state beside its run.
    public func saveGitLabState(_ id: Int64, _ state: String) throws {
        try database.write { db in
            try db.query("UPDATE run SET gitlabState = ? WHERE id = ?", state, id)
        }
    }
}
