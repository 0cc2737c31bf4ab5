import Core
import Foundation
import GRDB

/// Runs recorded as they start, so a run that waits (for reviewers, a wait timer) is visible, and ended with a reason
/// when the process running them died.
extension RunStore {
    /// Records a run that is starting (status `in_progress`, owned by this process); answers its id.
    public func begin(_ run: Run) throws -> Int64 {
        var row = run
        row.status = Run.Status.inProgress
        row.result = ""
        let pid = getpid()
        row.pid = Int64(pid)
        row.processStart = ProcessLiveness.startTicks(pid)
        return try database.write { db in
            try row.insert(db)
            return row.id ?? db.lastInsertedRowID
        }
    }

    /// Completes a run begun with `begin`: its conclusion, duration and jobs, in one transaction. A run already ended
    /// (its process was taken for dead) keeps the ending recorded first.
    public func finish(_ id: Int64, result: String, duration: Double, jobs: [Job]) throws {
        try database.write { db in
            guard var run = try Run.fetchOne(db, key: id), run.status != Run.Status.completed else { return }
            run.status = Run.Status.completed
            run.result = result
            run.duration = duration
            run.pid = nil
            run.processStart = nil
            try run.update(db)
            for var job in jobs {
                job.runId = id
                try job.insert(db)
            }
        }
    }

    /// Runs whose process is gone (killed, crashed) end as failures saying so; their waiting deployments are
    /// abandoned. Answers the runs ended.
    @discardableResult
    public func endRunsOfDeadProcesses() throws -> [Int64] {
        let open = try database.read { db in
            try Run.filter([Run.Status.inProgress, Run.Status.waiting].contains(Column("status"))).fetchAll(db)
        }
        let dead = open.filter { run in
            guard let pid = run.pid else { return false }
            return !ProcessLiveness.isAlive(Int32(truncatingIfNeeded: pid), startedAt: run.processStart)
        }
        guard !dead.isEmpty else { return [] }
        let now = Date()
        return try database.write { db in
            var ended: [Int64] = []
            for stale in dead {
                guard let id = stale.id, var run = try Run.fetchOne(db, key: id), run.status != Run.Status.completed else { continue }
                run.status = Run.Status.completed
                // GitLab's word for a pipeline, GitHub's for a workflow run.
                run.result = run.gitlabState == nil ? "failure" : "failed"
                run.endedReason = "the process running it (pid \(stale.pid ?? 0)) ended before the run did"
                run.duration = max(0, now.timeIntervalSince(run.startedAt))
                run.pid = nil
                run.processStart = nil
                try run.update(db)
                try db.execute(
                    sql: "UPDATE deployment SET state = ?, decidedAt = ?, reason = ? WHERE runId = ? AND state = ?",
                    arguments: [
                        DeploymentState.abandoned.rawValue, now.timeIntervalSince1970, run.endedReason, id,
                        DeploymentState.waiting.rawValue,
                    ])
                ended.append(id)
            }
            return ended
        }
    }

    /// Reopens a finished GitLab pipeline that is about to go on (a manual job played, failed jobs retried): owned by
    /// this process again, its jobs replaced when it finishes. Answers false when the run is in progress elsewhere.
    public func reopen(_ id: Int64) throws -> Bool {
        try database.write { db in
            guard var run = try Run.fetchOne(db, key: id), run.status == Run.Status.completed else { return false }
            let pid = getpid()
            run.status = Run.Status.inProgress
            run.result = ""
            run.endedReason = nil
            run.pid = Int64(pid)
            run.processStart = ProcessLiveness.startTicks(pid)
            try run.update(db)
            try Job.filter(Column("runId") == id).deleteAll(db)
            return true
        }
    }

    /// Keeps a GitLab pipeline's state beside its run.
    public func saveGitLabState(_ id: Int64, _ state: String) throws {
        try database.write { db in
            try db.execute(sql: "UPDATE run SET gitlabState = ? WHERE id = ?", arguments: [state, id])
        }
    }
}
