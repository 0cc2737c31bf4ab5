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
}
