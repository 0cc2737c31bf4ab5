import Core
import Foundation
import GRDB

/// The store's schema, one list of append-only migrations for SQLite and PostgreSQL. Column types are written as
/// `{id}`, `{serial}`, `{integer}`, `{real}`, `{blob}`, `{bool}` and rendered per database (`SQLDialect.ddl`); names are
/// unquoted (PostgreSQL folds them, consistently) except `"user"`, which PostgreSQL reserves.
public enum StoreSchema {
    /// One migration: its identifier (as recorded in the database) and its statements for a database.
    public struct Migration: Sendable {
        public let identifier: String
        let statements: @Sendable (SQLDialect) -> [String]

        init(_ identifier: String, _ statements: [String]) {
            self.identifier = identifier
            self.statements = { dialect in statements.map(dialect.ddl) }
        }

        init(_ identifier: String, _ statements: @escaping @Sendable (SQLDialect) -> [String]) {
            self.identifier = identifier
            self.statements = { dialect in statements(dialect).map(dialect.ddl) }
        }
    }

    /// Opens (creating and migrating when needed) a SQLite store shared by several processes: the delivery store (the
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

    /// The migrations as GRDB's migrator runs them on SQLite (it records them in `grdb_migrations`).
    public static func migrator() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for migration in migrations {
            migrator.registerMigration(migration.identifier) { db in
                for statement in migration.statements(.sqlite) { try db.execute(sql: statement) }
            }
        }
        return migrator
    }

    public static let migrations: [Migration] = [
        Migration(
            "v1-runs",
            [
                """
                CREATE TABLE run (id {id}, workflowPath TEXT NOT NULL, workflowName TEXT NOT NULL, event TEXT NOT NULL,
                  ref TEXT NOT NULL, sha TEXT NOT NULL, result TEXT NOT NULL, startedAt {real} NOT NULL, duration {real} NOT NULL)
                """
            ]),
        Migration(
            "v2-jobs",
            [
                """
                CREATE TABLE job (id {id}, runId {integer} NOT NULL REFERENCES run(id) ON DELETE CASCADE, jobId TEXT NOT NULL,
                  name TEXT NOT NULL, result TEXT NOT NULL, startedAt {real} NOT NULL, duration {real} NOT NULL, outputs TEXT NOT NULL,
                  steps TEXT NOT NULL, failureReason TEXT, log TEXT NOT NULL)
                """,
                "CREATE INDEX index_job_on_runId ON job(runId)",
            ]),
        // Dates are stored as seconds since 1970: GRDB's default text dates went through DateFormatter and Calendar,
        // which load ICU's data and add about 10 MiB to every `slipway run` for one row per run. Only SQLite stores made
        // before had text dates.
        Migration("v3-epoch-dates") { dialect in
            guard dialect == .sqlite else { return [] }
            return ["run", "job"].map { table in
                "UPDATE \(table) SET startedAt = (julianday(startedAt) - 2440587.5) * 86400.0 WHERE typeof(startedAt) = 'text'"
            }
        },
        Migration(
            "v4-delivery",
            [
                """
                CREATE TABLE release (id {id}, application TEXT NOT NULL, environment TEXT NOT NULL, revision TEXT NOT NULL,
                  phase TEXT NOT NULL, summary TEXT NOT NULL, startedAt {real} NOT NULL, finishedAt {real}, detail TEXT NOT NULL)
                """,
                "CREATE INDEX index_release_on_application ON release(application)",
                """
                CREATE TABLE releaseEvent (id {id}, releaseId {integer} NOT NULL REFERENCES release(id) ON DELETE CASCADE,
                  at {real} NOT NULL, kind TEXT NOT NULL, summary TEXT NOT NULL, detail TEXT NOT NULL)
                """,
                "CREATE INDEX index_releaseEvent_on_releaseId ON releaseEvent(releaseId)",
                """
                CREATE TABLE syncRecord (id {id}, application TEXT NOT NULL, revision TEXT NOT NULL, startedAt {real} NOT NULL,
                  phase TEXT NOT NULL, detail TEXT NOT NULL)
                """,
                "CREATE INDEX index_syncRecord_on_application ON syncRecord(application)",
                """
                CREATE TABLE gateDecision (id {id}, application TEXT NOT NULL, releaseId {integer} NOT NULL, action TEXT NOT NULL,
                  actor TEXT NOT NULL, at {real} NOT NULL, consumedAt {real})
                """,
                "CREATE INDEX index_gateDecision_on_application ON gateDecision(application)",
            ]),
        // Releases keep their whole state (step, weights, analyses, pending effects) in `detail`; `active` marks the
        // ones a controller must take over after a restart. Holds, decision reasons and the controller lease are new.
        Migration(
            "v5-durable-releases",
            [
                "ALTER TABLE release ADD COLUMN active {bool} NOT NULL DEFAULT FALSE",
                "CREATE INDEX release_active ON release(active)",
                // Rows written before releases kept their state cannot be resumed: they are ended, and say why.
                """
                UPDATE release SET phase = 'Aborted', summary = summary || ' (recorded by an earlier Slipway; not resumable)'
                WHERE phase NOT IN ('Succeeded', 'Aborted', 'Superseded')
                """,
                "ALTER TABLE gateDecision ADD COLUMN reason TEXT",
                """
                CREATE TABLE syncHold (id {id}, application TEXT NOT NULL, revision TEXT NOT NULL, reason TEXT NOT NULL,
                  releaseId {integer}, createdAt {real} NOT NULL, removedAt {real}, removedBy TEXT, removedReason TEXT)
                """,
                "CREATE INDEX index_syncHold_on_application ON syncHold(application)",
                """
                CREATE TABLE controllerLease (name TEXT PRIMARY KEY, holder TEXT NOT NULL, pid {integer} NOT NULL, host TEXT NOT NULL,
                  heartbeatAt {real} NOT NULL)
                """,
            ]),
        // `slipway server`: projects, the durable queue of events that start runs (one row per accepted delivery,
        // unique per source and delivery id), users and their API tokens (hashes only); runs name their event.
        Migration(
            "v6-server",
            [
                """
                CREATE TABLE project (id {id}, name TEXT NOT NULL UNIQUE, repository TEXT NOT NULL, defaultBranch TEXT NOT NULL,
                  webhookSecret {blob}, createdAt {real} NOT NULL)
                """,
                """
                CREATE TABLE serverEvent (id {id}, projectId {integer} NOT NULL REFERENCES project(id) ON DELETE CASCADE,
                  source TEXT NOT NULL, deliveryId TEXT NOT NULL, event TEXT NOT NULL, action TEXT, ref TEXT NOT NULL,
                  sha TEXT NOT NULL, baseRef TEXT, payload TEXT NOT NULL, state TEXT NOT NULL, reason TEXT, createdAt {real} NOT NULL,
                  startedAt {real}, finishedAt {real}, UNIQUE (source, deliveryId))
                """,
                "CREATE INDEX index_serverEvent_on_projectId ON serverEvent(projectId)",
                "CREATE INDEX index_serverEvent_on_state ON serverEvent(state)",
                "CREATE TABLE \"user\" (id {id}, name TEXT NOT NULL UNIQUE, role TEXT NOT NULL, createdAt {real} NOT NULL)",
                """
                CREATE TABLE apiToken (id {id}, userId {integer} NOT NULL REFERENCES "user"(id) ON DELETE CASCADE, name TEXT NOT NULL,
                  scope TEXT NOT NULL, hash TEXT NOT NULL UNIQUE, createdAt {real} NOT NULL, revokedAt {real})
                """,
                "CREATE INDEX index_apiToken_on_userId ON apiToken(userId)",
                "ALTER TABLE run ADD COLUMN projectId {integer}",
                "ALTER TABLE run ADD COLUMN eventId {integer}",
                "CREATE INDEX run_event ON run(eventId)",
                "CREATE INDEX run_project ON run(projectId)",
            ]),
        // GitLab's pipeline trigger API: trigger tokens (hashes only) and the pipelines they create, numbered per project.
        Migration(
            "v7-gitlab-triggers",
            [
                """
                CREATE TABLE triggerToken (id {id}, projectId {integer} NOT NULL REFERENCES project(id) ON DELETE CASCADE,
                  ownerId {integer} NOT NULL, description TEXT NOT NULL, hash TEXT NOT NULL UNIQUE, prefix TEXT NOT NULL,
                  createdAt {real} NOT NULL, lastUsedAt {real})
                """,
                "CREATE INDEX index_triggerToken_on_projectId ON triggerToken(projectId)",
                """
                CREATE TABLE pipeline (id {id}, projectId {integer} NOT NULL REFERENCES project(id) ON DELETE CASCADE,
                  iid {integer} NOT NULL, ref TEXT NOT NULL, sha TEXT NOT NULL, tag {bool} NOT NULL, status TEXT NOT NULL,
                  source TEXT NOT NULL, variables TEXT NOT NULL, triggerPayload TEXT, triggerId {integer}, createdAt {real} NOT NULL,
                  updatedAt {real} NOT NULL, UNIQUE (projectId, iid))
                """,
                "CREATE INDEX index_pipeline_on_projectId ON pipeline(projectId)",
            ]),
        // Log lines as runs print them (masked), for live logs: the row id is the line's event id in the stream, so a
        // client that reconnects with the last id it saw gets every later line once.
        Migration(
            "v8-live-logs",
            [
                """
                CREATE TABLE logLine (id {serial}, eventId {integer} NOT NULL REFERENCES serverEvent(id) ON DELETE CASCADE,
                  job TEXT NOT NULL, text TEXT NOT NULL, at {real} NOT NULL)
                """,
                "CREATE INDEX logLine_event ON logLine(eventId, id)",
            ]),
        // Branch and tag heads each project had when last looked at (polling and push hooks), and the hash of the token
        // a project's post-receive hook sends.
        Migration(
            "v9-project-heads",
            [
                """
                CREATE TABLE projectHead (projectId {integer} NOT NULL REFERENCES project(id) ON DELETE CASCADE, ref TEXT NOT NULL,
                  sha TEXT NOT NULL, PRIMARY KEY (projectId, ref))
                """,
                "ALTER TABLE project ADD COLUMN hookTokenHash TEXT",
                "ALTER TABLE project ADD COLUMN headsRecordedAt {real}",
            ]),
        // Projects' secrets, sealed with the server's key; runs get them as `secrets.NAME`.
        Migration(
            "v10-project-secrets",
            [
                """
                CREATE TABLE projectSecret (projectId {integer} NOT NULL REFERENCES project(id) ON DELETE CASCADE, name TEXT NOT NULL,
                  sealed {blob} NOT NULL, updatedAt {real} NOT NULL, updatedBy TEXT NOT NULL, PRIMARY KEY (projectId, name))
                """
            ]),
        // Runs are recorded when they start (a run waiting for reviewers is visible), with the process running them so
        // a run whose process died is ended with a reason; deployments to protected environments and their reviews.
        Migration(
            "v11-deployments",
            [
                "ALTER TABLE run ADD COLUMN status TEXT NOT NULL DEFAULT 'completed'",
                "ALTER TABLE run ADD COLUMN actor TEXT",
                "ALTER TABLE run ADD COLUMN pid {integer}",
                "ALTER TABLE run ADD COLUMN processStart {integer}",
                "ALTER TABLE run ADD COLUMN endedReason TEXT",
                "CREATE INDEX run_status ON run(status)",
                """
                CREATE TABLE deployment (id {id}, runId {integer} NOT NULL REFERENCES run(id) ON DELETE CASCADE, jobId TEXT NOT NULL,
                  jobName TEXT NOT NULL, environment TEXT NOT NULL, state TEXT NOT NULL, reviewers TEXT NOT NULL,
                  approvalsRequired {integer} NOT NULL, preventSelfReview {bool} NOT NULL, actor TEXT NOT NULL, waitUntil {real} NOT NULL,
                  createdAt {real} NOT NULL, decidedAt {real}, reason TEXT)
                """,
                "CREATE INDEX index_deployment_on_runId ON deployment(runId)",
                """
                CREATE TABLE deploymentReview (id {id}, deploymentId {integer} NOT NULL REFERENCES deployment(id) ON DELETE CASCADE,
                  "user" TEXT NOT NULL, state TEXT NOT NULL, comment TEXT, at {real} NOT NULL)
                """,
                "CREATE INDEX index_deploymentReview_on_deploymentId ON deploymentReview(deploymentId)",
            ]),
        // Promotions: a verified release's digests carried to the next environment by one GitOps commit.
        Migration(
            "v12-promotions",
            [
                """
                CREATE TABLE promotion (id {id}, application TEXT NOT NULL, environment TEXT NOT NULL, sourceReleaseId {integer} NOT NULL,
                  sourceApplication TEXT NOT NULL, digests TEXT NOT NULL, revision TEXT NOT NULL, actor TEXT NOT NULL, at {real} NOT NULL)
                """,
                "CREATE INDEX index_promotion_on_application ON promotion(application)",
                "CREATE INDEX index_promotion_on_sourceReleaseId ON promotion(sourceReleaseId)",
                "CREATE INDEX index_promotion_on_revision ON promotion(revision)",
            ]),
        // Secrets of a project's environments, sealed like the project's own.
        Migration(
            "v13-environment-secrets",
            [
                """
                CREATE TABLE environmentSecret (projectId {integer} NOT NULL REFERENCES project(id) ON DELETE CASCADE,
                  environment TEXT NOT NULL, name TEXT NOT NULL, sealed {blob} NOT NULL, updatedAt {real} NOT NULL,
                  updatedBy TEXT NOT NULL, PRIMARY KEY (projectId, environment, name))
                """
            ]),
        // GitLab pipelines: a run's pipeline state (JSON: its context and each job's outcome), so a manual job can be
        // played and failed jobs retried after the process that ran it ended; the server's pipelines name their run.
        Migration(
            "v14-gitlab-pipelines",
            [
                "ALTER TABLE run ADD COLUMN gitlabState TEXT",
                "ALTER TABLE pipeline ADD COLUMN runId {integer}",
                "ALTER TABLE pipeline ADD COLUMN reason TEXT",
            ]),
        // Projects' configuration variables: not secret, so stored as they are; GitHub runs get them as `vars.NAME`,
        // GitLab pipelines as project CI/CD variables.
        Migration(
            "v15-project-variables",
            [
                """
                CREATE TABLE projectVariable (projectId {integer} NOT NULL REFERENCES project(id) ON DELETE CASCADE,
                  name TEXT NOT NULL, value TEXT NOT NULL, updatedAt {real} NOT NULL, updatedBy TEXT NOT NULL,
                  PRIMARY KEY (projectId, name))
                """
            ]),
        // Replicas on several hosts share one database: a run's process is judged alive or dead only on its own host.
        Migration("v16-run-host", ["ALTER TABLE run ADD COLUMN host TEXT"]),
        // Several servers on one database: each process registers as a replica and beats; the events it takes are
        // marked as its own, so only a dead replica's are failed, never a live one's.
        Migration(
            "v17-replicas",
            [
                """
                CREATE TABLE serverReplica (id TEXT PRIMARY KEY, host TEXT NOT NULL, pid {integer} NOT NULL, processStart {integer},
                  startedAt {real} NOT NULL, heartbeatAt {real} NOT NULL)
                """,
                "ALTER TABLE serverEvent ADD COLUMN owner TEXT",
            ]),
        // Runners on other machines: registered with hashed tokens; jobs queued for them by labels, taken once.
        Migration(
            "v18-runners",
            [
                """
                CREATE TABLE runner (id {id}, name TEXT NOT NULL UNIQUE, hash TEXT NOT NULL UNIQUE, prefix TEXT NOT NULL,
                  createdAt {real} NOT NULL, createdBy TEXT NOT NULL, labels TEXT NOT NULL, lastSeenAt {real})
                """,
                """
                CREATE TABLE runnerJob (id {id}, runId {integer} NOT NULL, name TEXT NOT NULL, labels TEXT NOT NULL,
                  spec {blob} NOT NULL, state TEXT NOT NULL, runnerId {integer}, runnerName TEXT, createdAt {real} NOT NULL,
                  startedAt {real}, heartbeatAt {real}, finishedAt {real}, reason TEXT, result TEXT, inputs {blob}, outputs {blob})
                """,
                "CREATE INDEX index_runnerJob_on_state ON runnerJob(state)",
                "CREATE INDEX index_runnerJob_on_runId ON runnerJob(runId)",
                "CREATE TABLE runnerJobLine (id {id}, jobId {integer} NOT NULL, text TEXT NOT NULL)",
                "CREATE INDEX index_runnerJobLine_on_jobId ON runnerJobLine(jobId)",
            ]),
    ]
}
