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
        migrator.registerMigration("v2-jobs") { db in
            try db.create(table: "job") { t in
                t.column("id", .integer).primaryKey()
                t.column("runId", .integer).notNull().indexed().references("run", onDelete: .cascade)
                t.column("jobId", .text).notNull()
                t.column("name", .text).notNull()
                t.column("result", .text).notNull()
                t.column("startedAt", .datetime).notNull()
                t.column("duration", .double).notNull()
                t.column("outputs", .text).notNull()
                t.column("steps", .text).notNull()
                t.column("failureReason", .text)
                t.column("log", .text).notNull()
            }
        }
        // Dates are stored as seconds since 1970: GRDB's default text dates go through DateFormatter and Calendar,
        // which load ICU's data and add about 10 MiB to every `slipway run` for one row per run.
        migrator.registerMigration("v3-epoch-dates") { db in
            for table in ["run", "job"] {
                try db.execute(sql: "UPDATE \(table) SET startedAt = (julianday(startedAt) - 2440587.5) * 86400.0 WHERE typeof(startedAt) = 'text'")
            }
        }
        return migrator
    }
}
