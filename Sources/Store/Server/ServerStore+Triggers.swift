import Foundation

extension ServerStore {
    public func addTriggerToken(_ token: TriggerTokenRow) throws -> TriggerTokenRow {
        try database.write { db in
            var row = token
            row.id = try db.insert(row)
            return row
        }
    }

    public func triggerTokens(projectId: Int64) throws -> [TriggerTokenRow] {
        try database.read { db in
            try db.fetchAll(TriggerTokenRow.self, "SELECT * FROM triggerToken WHERE projectId = ? ORDER BY id", projectId)
        }
    }

    /// Deletes a project's trigger token; answers whether it existed.
    public func deleteTriggerToken(_ id: Int64, projectId: Int64) throws -> Bool {
        try database.write { db in try db.changes("DELETE FROM triggerToken WHERE id = ? AND projectId = ?", id, projectId) > 0 }
    }

    /// The trigger token with this hash, if it belongs to the project.
    public func triggerToken(hash: String, projectId: Int64) throws -> TriggerTokenRow? {
        try database.read { db in
            try db.fetchOne(TriggerTokenRow.self, "SELECT * FROM triggerToken WHERE hash = ? AND projectId = ?", hash, projectId)
        }
    }

    /// Records a pipeline with the project's next `iid`, and when its trigger was last used, in one transaction.
    public func addPipeline(_ pipeline: PipelineRow) throws -> PipelineRow {
        try database.write { db in
            var row = pipeline
            let last = try db.scalar("SELECT MAX(iid) FROM pipeline WHERE projectId = ?", pipeline.projectId)?.integer
            row.iid = (last ?? 0) + 1
            row.id = try db.insert(row)
            if let trigger = pipeline.triggerId {
                try db.query("UPDATE triggerToken SET lastUsedAt = ? WHERE id = ?", pipeline.createdAt, trigger)
            }
            return row
        }
    }

    public func pipeline(id: Int64, projectId: Int64) throws -> PipelineRow? {
        try database.read { db in try db.fetchOne(PipelineRow.self, "SELECT * FROM pipeline WHERE id = ? AND projectId = ?", id, projectId)
        }
    }

    /// A project's pipelines, newest first, filtered as GitLab's list is (`source`, `status`, `ref`).
    public func pipelines(projectId: Int64, source: String? = nil, status: String? = nil, ref: String? = nil, limit: Int = 20) throws
        -> [PipelineRow]
    {
        try database.read { db in
            var conditions = SQLConditions()
            conditions.add("projectId = ?", projectId)
            if let source { conditions.add("source = ?", source) }
            if let status { conditions.add("status = ?", status) }
            if let ref { conditions.add("ref = ?", ref) }
            return try db.fetchAll(
                PipelineRow.self, "SELECT * FROM pipeline\(conditions.clause) ORDER BY id DESC LIMIT ?", conditions.arguments + [limit])
        }
    }

    /// A pipeline of any project (the worker's view).
    public func pipeline(id: Int64) throws -> PipelineRow? {
        try database.read { db in try db.fetch(PipelineRow.self, id: id) }
    }

    /// A pipeline's status as its run goes on.
    public func updatePipeline(_ id: Int64, status: String, runId: Int64? = nil, reason: String? = nil, now: Date = Date()) throws {
        try database.write { db in
            try db.query(
                "UPDATE pipeline SET status = ?, runId = COALESCE(?, runId), reason = COALESCE(?, reason), updatedAt = ? WHERE id = ?",
                status, runId, reason, now.timeIntervalSince1970, id)
        }
    }

    /// The pipeline a run runs.
    public func pipeline(runId: Int64) throws -> PipelineRow? {
        try database.read { db in try db.fetchOne(PipelineRow.self, "SELECT * FROM pipeline WHERE runId = ? ORDER BY id LIMIT 1", runId) }
    }

    /// Pipelines a killed server left running: failed once, saying so.
    @discardableResult
    public func failAbandonedPipelines(reason: String, now: Date = Date()) throws -> [Int64] {
        try database.write { db in
            try db.query(
                "UPDATE pipeline SET status = 'failed', reason = ?, updatedAt = ? WHERE status IN ('pending', 'running') RETURNING id",
                reason,
                now.timeIntervalSince1970
            ).compactMap { $0["id"].integer }.sorted()
        }
    }
}
