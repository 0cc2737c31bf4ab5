import GRDB

/// The SQLite schema for run records; migrations are append-only.
public enum StoreSchema {
    public static func migrator() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-runs") { db in
            try db.create(table: "run") { t in
                t.column("id", .integer).primaryKey()
                t.column("workflowPath", .text).notNull()
                t.column("workflowName", .text).notNull()
                t.column("event", .text).notNull()
                t.column("ref", .text).notNull()
                t.column("sha", .text).notNull()
                t.column("result", .text).notNull()
                t.column("startedAt", .datetime).notNull()
                t.column("duration", .double).notNull()
            }
        }
        return migrator
    }
}
