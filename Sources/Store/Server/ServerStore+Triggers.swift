import Foundation
import GRDB

extension ServerStore {
    public func addTriggerToken(_ token: TriggerTokenRow) throws -> TriggerTokenRow {
        try database.write { db in
            var row = token
            try row.insert(db)
            return row
        }
    }

    public func triggerTokens(projectId: Int64) throws -> [TriggerTokenRow] {
        try database.read { db in try TriggerTokenRow.filter(Column("projectId") == projectId).order(Column("id")).fetchAll(db) }
    }

    /// Deletes a project's trigger token; answers whether it existed.
    public func deleteTriggerToken(_ id: Int64, projectId: Int64) throws -> Bool {
        try database.write { db in
            try TriggerTokenRow.filter(Column("id") == id && Column("projectId") == projectId).deleteAll(db) > 0
        }
    }

    /// The trigger token with this hash, if it belongs to the project.
    public func triggerToken(hash: String, projectId: Int64) throws -> TriggerTokenRow? {
        try database.read { db in
            try TriggerTokenRow.filter(Column("hash") == hash && Column("projectId") == projectId).fetchOne(db)
        }
    }

    /// Records a pipeline with the project's next `iid`, and when its trigger was last used, in one transaction.
    public func addPipeline(_ pipeline: PipelineRow) throws -> PipelineRow {
        try database.write { db in
            var row = pipeline
            let last = try Int64.fetchOne(db, sql: "SELECT MAX(iid) FROM pipeline WHERE projectId = ?", arguments: [pipeline.projectId])
            row.iid = (last ?? 0) + 1
            try row.insert(db)
            if let trigger = pipeline.triggerId {
                try db.execute(sql: "UPDATE triggerToken SET lastUsedAt = ? WHERE id = ?", arguments: [pipeline.createdAt, trigger])
            }
            return row
        }
    }

    public func pipeline(id: Int64, projectId: Int64) throws -> PipelineRow? {
        try database.read { db in try PipelineRow.filter(Column("id") == id && Column("projectId") == projectId).fetchOne(db) }
    }

    /// A project's pipelines, newest first, filtered as GitLab's list is (`source`, `status`, `ref`).
    public func pipelines(projectId: Int64, source: String? = nil, status: String? = nil, ref: String? = nil, limit: Int = 20) throws
        -> [PipelineRow]
    {
        try database.read { db in
            var request = PipelineRow.filter(Column("projectId") == projectId)
            if let source { request = request.filter(Column("source") == source) }
            if let status { request = request.filter(Column("status") == status) }
            if let ref { request = request.filter(Column("ref") == ref) }
            return try request.order(Column("id").desc).limit(limit).fetchAll(db)
        }
    }

    /// A pipeline of any project (the worker's view).
    public func pipeline(id: Int64) throws -> PipelineRow? {
        try database.read { db in try PipelineRow.fetchOne(db, key: id) }
    }

    /// A pipeline's status as its run goes on.
    public func updatePipeline(_ id: Int64, status: String, runId: Int64? = nil, reason: String? = nil, now: Date = Date()) throws {
        try database.write { db in
            try db.execute(
                sql: "UPDATE pipeline SET status = ?, runId = COALESCE(?, runId), reason = COALESCE(?, reason), updatedAt = ? WHERE id = ?",
                arguments: [status, runId, reason, now.timeIntervalSince1970, id])
        }
    }

    /// The pipeline a run runs.
    public func pipeline(runId: Int64) throws -> PipelineRow? {
        try database.read { db in try PipelineRow.filter(Column("runId") == runId).fetchOne(db) }
    }

    /// Pipelines a killed server left running: failed once, saying so.
    @discardableResult
    public func failAbandonedPipelines(reason: String, now: Date = Date()) throws -> [Int64] {
        try database.write { db in
            let ids = try Int64.fetchAll(db, sql: "SELECT id FROM pipeline WHERE status IN ('pending', 'running') ORDER BY id")
            try db.execute(
                sql: "UPDATE pipeline SET status = 'failed', reason = ?, updatedAt = ? WHERE status IN ('pending', 'running')",
                arguments: [reason, now.timeIntervalSince1970])
            return ids
        }
    }
}
