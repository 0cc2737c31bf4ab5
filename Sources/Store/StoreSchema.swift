import Core
import Foundation
import GRDB

/// The SQLite schema for run records; migrations are append-only.
public enum StoreSchema {
    /// Opens (creating and migrating when needed) a store shared by several processes: the delivery store (the
    /// controller writes releases while `slipway rollout promote` writes a decision) and the server's.
    static func open(_ path: String) throws -> DatabaseQueue {
        try FileManager.default.createDirectory(atPath: FilePathText.parent(of: path), withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        // Write-ahead logging: a sync record per application per pass must not cost two fsyncs each, and readers
        // (`slipway release show`, the API) never wait for the writers. NORMAL keeps every commit across a crash of
        // the process; only a power loss can take the last ones.
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        let database = try DatabaseQueue(path: path, configuration: configuration)
        try migrator().migrate(database)
        return database
    }

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
                try db.execute(
                    sql: "UPDATE \(table) SET startedAt = (julianday(startedAt) - 2440587.5) * 86400.0 WHERE typeof(startedAt) = 'text'")
            }
        }
        migrator.registerMigration("v4-delivery") { db in
            try db.create(table: "release") { t in
                t.column("id", .integer).primaryKey()
                t.column("application", .text).notNull().indexed()
                t.column("environment", .text).notNull()
                t.column("revision", .text).notNull()
                t.column("phase", .text).notNull()
                t.column("summary", .text).notNull()
                t.column("startedAt", .double).notNull()
                t.column("finishedAt", .double)
                t.column("detail", .text).notNull()
            }
            try db.create(table: "releaseEvent") { t in
                t.column("id", .integer).primaryKey()
                t.column("releaseId", .integer).notNull().indexed().references("release", onDelete: .cascade)
                t.column("at", .double).notNull()
                t.column("kind", .text).notNull()
                t.column("summary", .text).notNull()
                t.column("detail", .text).notNull()
            }
            try db.create(table: "syncRecord") { t in
                t.column("id", .integer).primaryKey()
                t.column("application", .text).notNull().indexed()
                t.column("revision", .text).notNull()
                t.column("startedAt", .double).notNull()
                t.column("phase", .text).notNull()
                t.column("detail", .text).notNull()
            }
            try db.create(table: "gateDecision") { t in
                t.column("id", .integer).primaryKey()
                t.column("application", .text).notNull().indexed()
                t.column("releaseId", .integer).notNull()
                t.column("action", .text).notNull()
                t.column("actor", .text).notNull()
                t.column("at", .double).notNull()
                t.column("consumedAt", .double)
            }
        }
        // Releases keep their whole state (step, weights, analyses, pending effects) in `detail`; `active` marks the
        // ones a controller must take over after a restart. Holds, decision reasons and the controller lease are new.
        migrator.registerMigration("v5-durable-releases") { db in
            try db.alter(table: "release") { t in
                t.add(column: "active", .boolean).notNull().defaults(to: false)
            }
            try db.create(index: "release_active", on: "release", columns: ["active"])
            // Rows written before releases kept their state cannot be resumed: they are ended, and say why.
            try db.execute(
                sql: """
                    UPDATE release SET phase = 'Aborted', summary = summary || ' (recorded by an earlier Slipway; not resumable)'
                    WHERE phase NOT IN ('Succeeded', 'Aborted', 'Superseded')
                    """)
            try db.alter(table: "gateDecision") { t in t.add(column: "reason", .text) }
            try db.create(table: "syncHold") { t in
                t.column("id", .integer).primaryKey()
                t.column("application", .text).notNull().indexed()
                t.column("revision", .text).notNull()
                t.column("reason", .text).notNull()
                t.column("releaseId", .integer)
                t.column("createdAt", .double).notNull()
                t.column("removedAt", .double)
                t.column("removedBy", .text)
                t.column("removedReason", .text)
            }
            try db.create(table: "controllerLease") { t in
                t.column("name", .text).primaryKey()
                t.column("holder", .text).notNull()
                t.column("pid", .integer).notNull()
                t.column("host", .text).notNull()
                t.column("heartbeatAt", .double).notNull()
            }
        }
        // `slipway server`: projects, the durable queue of events that start runs (one row per accepted delivery,
        // unique per source and delivery id), users and their API tokens (hashes only); runs name their event.
        migrator.registerMigration("v6-server") { db in
            try db.create(table: "project") { t in
                t.column("id", .integer).primaryKey()
                t.column("name", .text).notNull().unique()
                t.column("repository", .text).notNull()
                t.column("defaultBranch", .text).notNull()
                t.column("webhookSecret", .blob)
                t.column("createdAt", .double).notNull()
            }
            try db.create(table: "serverEvent") { t in
                t.column("id", .integer).primaryKey()
                t.column("projectId", .integer).notNull().indexed().references("project", onDelete: .cascade)
                t.column("source", .text).notNull()
                t.column("deliveryId", .text).notNull()
                t.column("event", .text).notNull()
                t.column("action", .text)
                t.column("ref", .text).notNull()
                t.column("sha", .text).notNull()
                t.column("baseRef", .text)
                t.column("payload", .text).notNull()
                t.column("state", .text).notNull().indexed()
                t.column("reason", .text)
                t.column("createdAt", .double).notNull()
                t.column("startedAt", .double)
                t.column("finishedAt", .double)
                t.uniqueKey(["source", "deliveryId"])
            }
            try db.create(table: "user") { t in
                t.column("id", .integer).primaryKey()
                t.column("name", .text).notNull().unique()
                t.column("role", .text).notNull()
                t.column("createdAt", .double).notNull()
            }
            try db.create(table: "apiToken") { t in
                t.column("id", .integer).primaryKey()
                t.column("userId", .integer).notNull().indexed().references("user", onDelete: .cascade)
                t.column("name", .text).notNull()
                t.column("scope", .text).notNull()
                t.column("hash", .text).notNull().unique()
                t.column("createdAt", .double).notNull()
                t.column("revokedAt", .double)
            }
            try db.alter(table: "run") { t in
                t.add(column: "projectId", .integer)
                t.add(column: "eventId", .integer)
            }
            try db.create(index: "run_event", on: "run", columns: ["eventId"])
            try db.create(index: "run_project", on: "run", columns: ["projectId"])
        }
        // GitLab's pipeline trigger API: trigger tokens (hashes only) and the pipelines they create, numbered per project.
        migrator.registerMigration("v7-gitlab-triggers") { db in
            try db.create(table: "triggerToken") { t in
                t.column("id", .integer).primaryKey()
                t.column("projectId", .integer).notNull().indexed().references("project", onDelete: .cascade)
                t.column("ownerId", .integer).notNull()
                t.column("description", .text).notNull()
                t.column("hash", .text).notNull().unique()
                t.column("prefix", .text).notNull()
                t.column("createdAt", .double).notNull()
                t.column("lastUsedAt", .double)
            }
            try db.create(table: "pipeline") { t in
                t.column("id", .integer).primaryKey()
                t.column("projectId", .integer).notNull().indexed().references("project", onDelete: .cascade)
                t.column("iid", .integer).notNull()
                t.column("ref", .text).notNull()
                t.column("sha", .text).notNull()
                t.column("tag", .boolean).notNull()
                t.column("status", .text).notNull()
                t.column("source", .text).notNull()
                t.column("variables", .text).notNull()
                t.column("triggerPayload", .text)
                t.column("triggerId", .integer)
                t.column("createdAt", .double).notNull()
                t.column("updatedAt", .double).notNull()
                t.uniqueKey(["projectId", "iid"])
            }
        }
        // Log lines as runs print them (masked), for live logs: the row id is the line's event id in the stream, so a
        // client that reconnects with the last id it saw gets every later line once.
        migrator.registerMigration("v8-live-logs") { db in
            try db.create(table: "logLine") { t in
                t.column("id", .integer).primaryKey(autoincrement: true)
                t.column("eventId", .integer).notNull().references("serverEvent", onDelete: .cascade)
                t.column("job", .text).notNull()
                t.column("text", .text).notNull()
                t.column("at", .double).notNull()
            }
            try db.create(index: "logLine_event", on: "logLine", columns: ["eventId", "id"])
        }
        // Branch and tag heads each project had when last looked at (polling and push hooks), and the hash of the token
        // a project's post-receive hook sends.
        migrator.registerMigration("v9-project-heads") { db in
            try db.create(table: "projectHead") { t in
                t.column("projectId", .integer).notNull().references("project", onDelete: .cascade)
                t.column("ref", .text).notNull()
                t.column("sha", .text).notNull()
                t.primaryKey(["projectId", "ref"])
            }
            try db.alter(table: "project") { t in
                t.add(column: "hookTokenHash", .text)
                t.add(column: "headsRecordedAt", .double)
            }
        }
        // Projects' secrets, sealed with the server's key; runs get them as `secrets.NAME`.
        migrator.registerMigration("v10-project-secrets") { db in
            try db.create(table: "projectSecret") { t in
                t.column("projectId", .integer).notNull().references("project", onDelete: .cascade)
                t.column("name", .text).notNull()
                t.column("sealed", .blob).notNull()
                t.column("updatedAt", .double).notNull()
                t.column("updatedBy", .text).notNull()
                t.primaryKey(["projectId", "name"])
            }
        }
        // Runs are recorded when they start (a run waiting for reviewers is visible), with the process running them so
        // a run whose process died is ended with a reason; deployments to protected environments and their reviews.
        migrator.registerMigration("v11-deployments") { db in
            try db.alter(table: "run") { t in
                t.add(column: "status", .text).notNull().defaults(to: "completed")
                t.add(column: "actor", .text)
                t.add(column: "pid", .integer)
                t.add(column: "processStart", .integer)
                t.add(column: "endedReason", .text)
            }
            try db.create(index: "run_status", on: "run", columns: ["status"])
            try db.create(table: "deployment") { t in
                t.column("id", .integer).primaryKey()
                t.column("runId", .integer).notNull().indexed().references("run", onDelete: .cascade)
                t.column("jobId", .text).notNull()
                t.column("jobName", .text).notNull()
                t.column("environment", .text).notNull()
                t.column("state", .text).notNull()
                t.column("reviewers", .text).notNull()
                t.column("approvalsRequired", .integer).notNull()
                t.column("preventSelfReview", .boolean).notNull()
                t.column("actor", .text).notNull()
                t.column("waitUntil", .double).notNull()
                t.column("createdAt", .double).notNull()
                t.column("decidedAt", .double)
                t.column("reason", .text)
            }
            try db.create(table: "deploymentReview") { t in
                t.column("id", .integer).primaryKey()
                t.column("deploymentId", .integer).notNull().indexed().references("deployment", onDelete: .cascade)
                t.column("user", .text).notNull()
                t.column("state", .text).notNull()
                t.column("comment", .text)
                t.column("at", .double).notNull()
            }
        }
        // Promotions: a verified release's digests carried to the next environment by one GitOps commit.
        migrator.registerMigration("v12-promotions") { db in
            try db.create(table: "promotion") { t in
                t.column("id", .integer).primaryKey()
                t.column("application", .text).notNull().indexed()
                t.column("environment", .text).notNull()
                t.column("sourceReleaseId", .integer).notNull().indexed()
                t.column("sourceApplication", .text).notNull()
                t.column("digests", .text).notNull()
                t.column("revision", .text).notNull().indexed()
                t.column("actor", .text).notNull()
                t.column("at", .double).notNull()
            }
        }
        // Secrets of a project's environments, sealed like the project's own.
        migrator.registerMigration("v13-environment-secrets") { db in
            try db.create(table: "environmentSecret") { t in
                t.column("projectId", .integer).notNull().references("project", onDelete: .cascade)
                t.column("environment", .text).notNull()
                t.column("name", .text).notNull()
                t.column("sealed", .blob).notNull()
                t.column("updatedAt", .double).notNull()
                t.column("updatedBy", .text).notNull()
                t.primaryKey(["projectId", "environment", "name"])
            }
        }
        // GitLab pipelines: a run's pipeline state (JSON: its context and each job's outcome), so a manual job can be
        // played and failed jobs retried after the process that ran it ended; the server's pipelines name their run.
        migrator.registerMigration("v14-gitlab-pipelines") { db in
            try db.alter(table: "run") { t in t.add(column: "gitlabState", .text) }
            if try db.tableExists("pipeline") {
                try db.alter(table: "pipeline") { t in
                    t.add(column: "runId", .integer)
                    t.add(column: "reason", .text)
                }
            }
        }
        // Projects' configuration variables: not secret, so stored as they are; GitHub runs get them as `vars.NAME`,
        // GitLab pipelines as project CI/CD variables.
        migrator.registerMigration("v15-project-variables") { db in
            try db.create(table: "projectVariable") { t in
                t.column("projectId", .integer).notNull().references("project", onDelete: .cascade)
                t.column("name", .text).notNull()
                t.column("value", .text).notNull()
                t.column("updatedAt", .double).notNull()
                t.column("updatedBy", .text).notNull()
                t.primaryKey(["projectId", "name"])
            }
        }
        return migrator
    }
}
