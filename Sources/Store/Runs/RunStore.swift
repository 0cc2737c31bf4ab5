import Core
import Foundation

/// Run history under `.slipway/` in a repository: one row per run, one per job instance (with its masked log).
/// Values arrive already masked; the store never sees a secret.
public struct RunStore: Sendable {
    /// A stored run, as `slipway runs` lists it.
    public struct Run: Codable, Sendable, Hashable, StoredRecord {
        public static let tableName = "run"
        public var id: Int64?
        public var workflowPath: String
        public var workflowName: String
        public var event: String
        public var ref: String
        public var sha: String
        public var result: String
        public var startedAt: Date
        public var duration: Double
        /// The server's project and event that started the run; nil for a run started by `slipway run`.
        public var projectId: Int64?
        public var eventId: Int64?
        /// `in_progress`, `waiting` (a job waits for its environment's reviewers or wait timer) or `completed`; `result`
        /// is the conclusion once completed.
        public var status: String = Status.completed
        /// Who triggered the run (`github.actor`).
        public var actor: String?
        /// The process running the run and when it started, while it runs: a run whose process is gone is ended.
        public var pid: Int64?
        public var processStart: Int64?
        /// Why a run ended other than by finishing (its process died).
        public var endedReason: String?
        /// A GitLab pipeline's state (JSON), for playing and retrying its jobs later; nil for workflow runs.
        public var gitlabState: String?
        /// The host of the process running the run (replicas share one database; a pid means something on its host only).
        public var host: String?

        /// The values of `status`, GitHub's names.
        public enum Status {
            public static let inProgress = "in_progress"
            public static let waiting = "waiting"
            public static let completed = "completed"
        }

        public init(
            workflowPath: String, workflowName: String, event: String, ref: String, sha: String, result: String,
            startedAt: Date, duration: Double, projectId: Int64? = nil, eventId: Int64? = nil
        ) {
            self.workflowPath = workflowPath
            self.workflowName = workflowName
            self.event = event
            self.ref = ref
            self.sha = sha
            self.result = result
            self.startedAt = startedAt
            self.duration = duration
            self.projectId = projectId
            self.eventId = eventId
        }

    }

    /// One job instance of a run.
    public struct Job: Codable, Sendable, Hashable, StoredRecord {
        public static let tableName = "job"
        public var id: Int64?
        public var runId: Int64
        public var jobId: String
        public var name: String
        public var result: String
        public var startedAt: Date
        public var duration: Double
        /// JSON object of the job's outputs.
        public var outputs: String
        /// JSON array of step results.
        public var steps: String
        public var failureReason: String?
        public var log: String

        public init(
            runId: Int64, jobId: String, name: String, result: String, startedAt: Date, duration: Double,
            outputs: String, steps: String, failureReason: String?, log: String
        ) {
            self.runId = runId
            self.jobId = jobId
            self.name = name
            self.result = result
            self.startedAt = startedAt
            self.duration = duration
            self.outputs = outputs
            self.steps = steps
            self.failureReason = failureReason
            self.log = log
        }

    }

    let database: any SQLDatabase

    /// Opens (creating and migrating when needed) the store at `path`.
    public init(path: String) throws {
        // Shared by processes: `slipway approve` writes a review while `slipway run` waits for it.
        database = try SQLiteStoreDatabase(path: path)
        try endRunsOfDeadProcesses()
    }

    /// The runs of a store another type opened (the server's), sharing its database.
    public init(database: any SQLDatabase) { self.database = database }

    /// The store of the repository at `root`: `ROOT/.slipway/slipway.sqlite`.
    public static func path(forRepository root: String) -> String { "\(root)/.slipway/slipway.sqlite" }

    /// Saves a run and its jobs in one transaction; returns the run's id.
    @discardableResult
    public func save(_ run: Run, jobs: [Job]) throws -> Int64 {
        try database.write { db in
            let id = try db.insert(run) ?? 0
            for var job in jobs {
                job.runId = id
                try db.insert(job)
            }
            return id
        }
    }

    /// The most recent runs, newest first.
    public func recentRuns(limit: Int = 20) throws -> [Run] {
        try database.read { db in try db.fetchAll(Run.self, "SELECT * FROM run ORDER BY id DESC LIMIT ?", limit) }
    }

    public func run(_ id: Int64) throws -> Run? {
        try database.read { db in try db.fetch(Run.self, id: id) }
    }

    /// The jobs of a run in the order they were saved.
    public func jobs(ofRun id: Int64) throws -> [Job] {
        try database.read { db in try db.fetchAll(Job.self, "SELECT * FROM job WHERE runId = ? ORDER BY id", id) }
    }
}
