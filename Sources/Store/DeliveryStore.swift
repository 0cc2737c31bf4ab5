import Core
import Foundation

/// Releases, their timelines, sync history and gate decisions, in SQLite. Rows carry their domain value as JSON
/// (`detail`) next to the columns queries filter on, so the Store needs no knowledge of GitOps or release types.
/// Several processes may share one file: the controller writes releases, `slipway rollout promote` writes a decision.
public struct DeliveryStore: Sendable {
    public struct ReleaseRow: Codable, Sendable, Hashable, StoredRecord {
        public static let tableName = "release"
        public var id: Int64?
        public var application: String
        public var environment: String
        public var revision: String
        public var phase: String
        public var summary: String
        public var startedAt: Double
        public var finishedAt: Double?
        public var detail: String
        /// A controller still has work on it (a restarted controller takes these over).
        public var active: Bool

        public init(
            id: Int64? = nil, application: String, environment: String, revision: String, phase: String, summary: String,
            startedAt: Double, finishedAt: Double? = nil, detail: String, active: Bool = false
        ) {
            self.id = id
            self.application = application
            self.environment = environment
            self.revision = revision
            self.phase = phase
            self.summary = summary
            self.startedAt = startedAt
            self.finishedAt = finishedAt
            self.detail = detail
            self.active = active
        }

    }

    public struct EventRow: Codable, Sendable, Hashable, StoredRecord {
        public static let tableName = "releaseEvent"
        public var id: Int64?
        public var releaseId: Int64
        public var at: Double
        public var kind: String
        public var summary: String
        public var detail: String

        public init(releaseId: Int64, at: Double, kind: String, summary: String, detail: String) {
            self.releaseId = releaseId
            self.at = at
            self.kind = kind
            self.summary = summary
            self.detail = detail
        }

    }

    public struct SyncRow: Codable, Sendable, Hashable, StoredRecord {
        public static let tableName = "syncRecord"
        public var id: Int64?
        public var application: String
        public var revision: String
        public var startedAt: Double
        public var phase: String
        public var detail: String

        public init(application: String, revision: String, startedAt: Double, phase: String, detail: String) {
            self.application = application
            self.revision = revision
            self.startedAt = startedAt
            self.phase = phase
            self.detail = detail
        }

    }

    public struct GateRow: Codable, Sendable, Hashable, StoredRecord {
        public static let tableName = "gateDecision"
        public var id: Int64?
        public var application: String
        public var releaseId: Int64
        public var action: String
        public var actor: String
        public var reason: String?
        public var at: Double
        public var consumedAt: Double?

        public init(application: String, releaseId: Int64, action: String, actor: String, reason: String? = nil, at: Double) {
            self.application = application
            self.releaseId = releaseId
            self.action = action
            self.actor = actor
            self.reason = reason
            self.at = at
        }

    }

    let database: any SQLDatabase

    public init(path: String) throws {
        database = try SQLiteStoreDatabase(path: path)
    }

    /// The delivery records of a database another store opened (the server's, PostgreSQL for replicas).
    public init(database: any SQLDatabase) { self.database = database }

    @discardableResult
    public func insert(_ release: ReleaseRow) throws -> Int64 {
        try database.write { db in try db.insert(release) ?? 0 }
    }

    public func update(_ release: ReleaseRow) throws {
        try database.write { db in _ = try db.update(release) }
    }

    /// Inserts a release with the first entries of its timeline, in one transaction; answers its id.
    public func insert(_ release: ReleaseRow, events: (Int64) -> [EventRow]) throws -> Int64 {
        try database.write { db in
            let id = try db.insert(release) ?? 0
            for var event in events(id) {
                event.releaseId = id
                try db.insert(event)
            }
            return id
        }
    }

    /// A release's new state, the timeline entries that came with it and the decisions it acted on, in one
    /// transaction: a crash keeps all of it or none, so a decision is never lost nor acted on twice.
    public func update(_ release: ReleaseRow, appending events: [EventRow], consuming decisions: [Int64] = []) throws {
        try database.write { db in
            try db.update(release)
            for event in events { try db.insert(event) }
            let now = Date().timeIntervalSince1970
            for id in decisions {
                try db.query("UPDATE gateDecision SET consumedAt = ? WHERE id = ? AND consumedAt IS NULL", now, id)
            }
        }
    }

    /// Releases a controller still has work on, oldest first.
    public func activeReleases() throws -> [ReleaseRow] {
        try database.read { db in try db.fetchAll(ReleaseRow.self, "SELECT * FROM release WHERE active = ? ORDER BY id", true) }
    }

    public func append(_ event: EventRow) throws {
        try database.write { db in _ = try db.insert(event) }
    }

    public func release(_ id: Int64) throws -> ReleaseRow? {
        try database.read { db in try db.fetch(ReleaseRow.self, id: id) }
    }

    /// Newest first, optionally of one application.
    public func releases(application: String? = nil, limit: Int = 50) throws -> [ReleaseRow] {
        try database.read { db in
            var conditions = SQLConditions()
            if let application { conditions.add("application = ?", application) }
            return try db.fetchAll(
                ReleaseRow.self, "SELECT * FROM release\(conditions.clause) ORDER BY id DESC LIMIT ?", conditions.arguments + [limit])
        }
    }

    /// For every application with releases: its newest release, its newest succeeded one and its newest finished one,
    /// in one query (an overview of hundreds of applications reads them at once), newest first.
    public func latestReleases() throws -> [ReleaseRow] {
        try database.read { db in
            try db.fetchAll(
                ReleaseRow.self,
                """
                SELECT * FROM release WHERE id IN (
                  SELECT MAX(id) FROM release GROUP BY application
                  UNION SELECT MAX(id) FROM release WHERE phase = 'Succeeded' GROUP BY application
                  UNION SELECT MAX(id) FROM release WHERE phase IN ('Succeeded', 'Aborted', 'Superseded') GROUP BY application)
                ORDER BY id DESC
                """)
        }
    }

    public func events(ofRelease id: Int64) throws -> [EventRow] {
        try database.read { db in try db.fetchAll(EventRow.self, "SELECT * FROM releaseEvent WHERE releaseId = ? ORDER BY at, id", id) }
    }

    public func append(_ sync: SyncRow) throws {
        try database.write { db in _ = try db.insert(sync) }
    }

    public func syncs(application: String? = nil, limit: Int = 100) throws -> [SyncRow] {
        try database.read { db in
            var conditions = SQLConditions()
            if let application { conditions.add("application = ?", application) }
            return try db.fetchAll(
                SyncRow.self, "SELECT * FROM syncRecord\(conditions.clause) ORDER BY id DESC LIMIT ?", conditions.arguments + [limit]
            ).reversed()
        }
    }

    /// Records a decision for a release, if that release is still active (checked in the same transaction, so a
    /// decision never lands on a release that ended meanwhile); answers whether it was recorded.
    @discardableResult
    public func record(_ decision: GateRow) throws -> Bool {
        try database.write { db in
            guard let release = try db.fetch(ReleaseRow.self, id: decision.releaseId), release.active else { return false }
            try db.insert(decision)
            return true
        }
    }

    /// Decisions not yet acted on for a release, oldest first.
    public func pendingDecisions(releaseId: Int64) throws -> [GateRow] {
        try database.read { db in
            try db.fetchAll(GateRow.self, "SELECT * FROM gateDecision WHERE releaseId = ? AND consumedAt IS NULL ORDER BY id", releaseId)
        }
    }
}
