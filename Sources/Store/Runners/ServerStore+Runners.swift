import Foundation

extension ServerStore {
    /// Registers a runner; a name already taken is `ServerStoreError.nameTaken`.
    public func addRunner(_ runner: RunnerRow) throws -> RunnerRow {
        try database.write { db in
            if try db.scalar("SELECT COUNT(*) FROM runner WHERE name = ?", runner.name)?.integer ?? 0 > 0 {
                throw ServerStoreError.nameTaken(runner.name)
            }
            var row = runner
            row.id = try db.insert(row)
            return row
        }
    }

    public func runners() throws -> [RunnerRow] {
        try database.read { db in try db.fetchAll(RunnerRow.self, "SELECT * FROM runner ORDER BY id") }
    }

    /// The runner whose token has this hash; nil once it was removed.
    public func runner(hash: String) throws -> RunnerRow? {
        try database.read { db in try db.fetchOne(RunnerRow.self, "SELECT * FROM runner WHERE hash = ?", hash) }
    }

    /// Removes a runner: its token stops working at once. A job it runs is ended by its heartbeat timeout.
    public func deleteRunner(_ id: Int64) throws -> Bool {
        try database.write { db in try db.changes("DELETE FROM runner WHERE id = ?", id) > 0 }
    }

    /// Queues a job for the runners.
    public func queueRunnerJob(_ job: RunnerJobRow) throws -> RunnerJobRow {
        try database.write { db in
            var row = job
            row.id = try db.insert(row)
            return row
        }
    }

    public func runnerJob(id: Int64) throws -> RunnerJobRow? {
        try database.read { db in try db.fetch(RunnerJobRow.self, id: id) }
    }

    /// The jobs of a run that went to runners, oldest first.
    public func runnerJobs(runId: Int64) throws -> [RunnerJobRow] {
        try database.read { db in try db.fetchAll(RunnerJobRow.self, "SELECT * FROM runnerJob WHERE runId = ? ORDER BY id", runId) }
    }

    /// Gives `runner` the oldest queued job whose labels are all among `labels`, and records what the runner said of
    /// itself. Queued jobs of runs that ended meanwhile are cancelled instead of given. One write transaction: two
    /// runners asking at once never take the same job.
    public func claimRunnerJob(runner: RunnerRow, labels: Set<String>, now: Double = Date().timeIntervalSince1970) throws
        -> RunnerJobRow?
    {
        guard let runnerId = runner.id else { return nil }
        return try database.write { db in
            try db.query(
                "UPDATE runner SET labels = ?, lastSeenAt = ? WHERE id = ?", RunnerJobRow.labelText(Array(labels)), now, runnerId)
            try db.query(
                """
                UPDATE runnerJob SET state = ?, finishedAt = ?, reason = ?, spec = ?, inputs = NULL WHERE state = ?
                  AND runId IN (SELECT id FROM run WHERE status = ?)
                """, RunnerJobState.cancelled.rawValue, now, "the run ended before a runner took the job", [UInt8](),
                RunnerJobState.queued.rawValue, RunStore.Run.Status.completed)
            let queued = try db.fetchAll(
                RunnerJobRow.self, "SELECT * FROM runnerJob WHERE state = ? ORDER BY id LIMIT 1000", RunnerJobState.queued.rawValue)
            guard var job = queued.first(where: { $0.labelSet.isSubset(of: labels) }), let next = job.state.after(.claim) else {
                return nil
            }
            job.state = next
            job.runnerId = runnerId
            job.runnerName = runner.name
            job.startedAt = now
            job.heartbeatAt = now
            try db.update(job)
            return job
        }
    }

    /// A runner's heartbeat for the job it runs: answers the job's state after it (`cancelled` tells the runner to
    /// stop), nil when the job is not this runner's. A job whose run ended is cancelled here.
    public func beatRunnerJob(_ id: Int64, runnerId: Int64, now: Double = Date().timeIntervalSince1970) throws -> RunnerJobState? {
        try database.write { db in try Self.beat(db, job: id, runnerId: runnerId, now: now)?.state }
    }

    static func beat(_ db: any SQLConnection, job id: Int64, runnerId: Int64, now: Double) throws -> RunnerJobRow? {
        guard var job = try db.fetch(RunnerJobRow.self, id: id), job.runnerId == runnerId else { return nil }
        guard job.state.after(.heartbeat) != nil else { return job }
        let runEnded =
            try db.scalar("SELECT COUNT(*) FROM run WHERE id = ? AND status = ?", job.runId, RunStore.Run.Status.completed)?.integer ?? 0
        if runEnded > 0, let cancelled = job.state.after(.cancel) {
            job.end(cancelled, reason: "the run ended", now: now)
        } else {
            job.heartbeatAt = now
        }
        try db.query("UPDATE runner SET lastSeenAt = ? WHERE id = ?", now, runnerId)
        try db.update(job)
        return job
    }

    /// Appends log lines a runner sent for its job (a heartbeat too); answers the job's state, nil when not its job.
    public func appendRunnerJobLines(_ id: Int64, runnerId: Int64, lines: [String], now: Double = Date().timeIntervalSince1970)
        throws -> RunnerJobState?
    {
        try database.write { db in
            guard let job = try Self.beat(db, job: id, runnerId: runnerId, now: now) else { return nil }
            guard job.state == .running else { return job.state }
            for line in lines { try db.query("INSERT INTO runnerJobLine (jobId, text) VALUES (?, ?)", id, line) }
            return job.state
        }
    }

    /// Lines of a job after line `after`, in order, with their positions.
    public func runnerJobLines(_ id: Int64, after: Int64, limit: Int = 1000) throws -> [(position: Int64, text: String)] {
        try database.read { db in
            try db.query("SELECT id, text FROM runnerJobLine WHERE jobId = ? AND id > ? ORDER BY id LIMIT ?", id, after, limit)
                .compactMap { row in
                    guard let position = row["id"].integer, let text = row["text"].text else { return nil }
                    return (position, text)
                }
        }
    }

    /// Keeps the artifacts a runner's job uploaded; false when the job is not this runner's running job.
    public func setRunnerJobOutputs(_ id: Int64, runnerId: Int64, archive: [UInt8]) throws -> Bool {
        try database.write { db in
            try db.changes(
                "UPDATE runnerJob SET outputs = ? WHERE id = ? AND runnerId = ? AND state = ?", archive, id, runnerId,
                RunnerJobState.running.rawValue) > 0
        }
    }

    /// Records the result a runner reports; answers the job's state after it (`finished`, or the state that made the
    /// report come too late), nil when the job is not this runner's.
    public func finishRunnerJob(_ id: Int64, runnerId: Int64, result: String, now: Double = Date().timeIntervalSince1970) throws
        -> RunnerJobState?
    {
        try database.write { db in
            guard var job = try db.fetch(RunnerJobRow.self, id: id), job.runnerId == runnerId else { return nil }
            guard let next = job.state.after(.finish) else { return job.state }
            job.end(next, reason: nil, now: now)
            job.result = result
            try db.update(job)
            try db.query("UPDATE runner SET lastSeenAt = ? WHERE id = ?", now, runnerId)
            return next
        }
    }

    /// Ends a job that is not finished: `cancel` (the run no longer wants it) or `heartbeatTimeout` (only while its last
    /// beat is older than `silentSince`). Answers the row after; unchanged when the event did not apply.
    public func endRunnerJob(
        _ id: Int64, _ event: RunnerJobState.Event, reason: String, silentSince: Double = .infinity,
        now: Double = Date().timeIntervalSince1970
    ) throws -> RunnerJobRow? {
        try database.write { db in
            guard var job = try db.fetch(RunnerJobRow.self, id: id) else { return nil }
            if event == .heartbeatTimeout, (job.heartbeatAt ?? job.createdAt) >= silentSince { return job }
            guard let next = job.state.after(event) else { return job }
            job.end(next, reason: reason, now: now)
            try db.update(job)
            return job
        }
    }

    /// Drops what a job carried once its server has taken the result: the sealed specification, the artifacts and the
    /// log lines (they are in the run's log by then). The row stays, saying who ran the job.
    public func closeRunnerJob(_ id: Int64) throws {
        try database.write { db in
            try db.query("UPDATE runnerJob SET spec = ?, inputs = NULL, outputs = NULL WHERE id = ?", [UInt8](), id)
            try db.query("DELETE FROM runnerJobLine WHERE jobId = ?", id)
        }
    }
}
