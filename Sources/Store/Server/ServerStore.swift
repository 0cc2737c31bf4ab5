import Core
import Foundation

/// What `slipway server` keeps: projects, the durable queue of events that start runs, users and API tokens, and the
/// runs themselves (`runs`), in one database (a SQLite file, or PostgreSQL shared by replicas). Rows only: webhook
/// secrets arrive sealed and tokens as hashes.
public struct ServerStore: Sendable {
    let database: any SQLDatabase
    /// The runs the server's events started, in the same database.
    public let runs: RunStore

    public init(path: String) throws {
        try self.init(database: SQLiteStoreDatabase(path: path))
    }

    public init(database: any SQLDatabase) throws {
        self.database = database
        runs = RunStore(database: database)
        try runs.endRunsOfDeadProcesses()
    }

    /// Whether the database answers and its schema is this build's.
    public func readiness() throws -> StoreReadiness { try database.readiness() }

    // MARK: Projects

    /// Adds a project; a name already taken is `ServerStoreError.nameTaken`.
    public func addProject(_ project: ProjectRow) throws -> ProjectRow {
        try database.write { db in
            if try db.scalar("SELECT COUNT(*) FROM project WHERE name = ?", project.name)?.integer ?? 0 > 0 {
                throw ServerStoreError.nameTaken(project.name)
            }
            var row = project
            row.id = try db.insert(row)
            return row
        }
    }

    public func projects() throws -> [ProjectRow] {
        try database.read { db in try db.fetchAll(ProjectRow.self, "SELECT * FROM project ORDER BY id") }
    }

    public func project(id: Int64) throws -> ProjectRow? {
        try database.read { db in try db.fetch(ProjectRow.self, id: id) }
    }

    public func project(named name: String) throws -> ProjectRow? {
        try database.read { db in try db.fetchOne(ProjectRow.self, "SELECT * FROM project WHERE name = ?", name) }
    }

    // MARK: The event queue

    /// Queues an event once per source and delivery id, and a push once per ref and commit across sources: a
    /// redelivery, or a push another channel reported, answers the event already queued, with `isNew` false.
    public func enqueue(_ event: EventRow) throws -> (event: EventRow, isNew: Bool) {
        try database.write { db in
            if let existing = try db.fetchOne(
                EventRow.self, "SELECT * FROM serverEvent WHERE source = ? AND deliveryId = ?", event.source, event.deliveryId)
            {
                return (existing, false)
            }
            // A push another channel already reported (a push hook or a poll before the forge's webhook) is one push.
            if event.event == "push",
                let existing = try db.fetchOne(
                    EventRow.self,
                    "SELECT * FROM serverEvent WHERE projectId = ? AND event = 'push' AND ref = ? AND sha = ? AND source <> ? ORDER BY id LIMIT 1",
                    event.projectId, event.ref, event.sha, event.source)
            {
                return (existing, false)
            }
            var row = event
            row.state = EventRow.State.queued.rawValue
            row.id = try db.insert(row)
            return (row, true)
        }
    }

    /// Takes the oldest queued event and marks it running (as replica `owner`'s, when replicas share the database), in
    /// one transaction: two workers (of any replica) never take the same one.
    public func claimNextEvent(owner: String? = nil, now: Date = Date()) throws -> EventRow? {
        try database.write { db in
            guard
                var row = try db.fetchOne(
                    EventRow.self, "SELECT * FROM serverEvent WHERE state = ? ORDER BY id LIMIT 1", EventRow.State.queued.rawValue)
            else { return nil }
            row.state = EventRow.State.running.rawValue
            row.startedAt = now.timeIntervalSince1970
            row.owner = owner
            try db.update(row)
            return row
        }
    }

    /// Ends an event (its runs are recorded by then).
    public func finishEvent(_ id: Int64, state: EventRow.State, reason: String?, now: Date = Date()) throws {
        try database.write { db in
            try db.query(
                "UPDATE serverEvent SET state = ?, reason = ?, finishedAt = ? WHERE id = ?", state.rawValue, reason,
                now.timeIntervalSince1970, id)
        }
    }

    /// Ends every event a previous server process left running (it was killed): each is failed once, with `reason`, never
    /// started again. Answers their ids.
    public func failAbandonedEvents(reason: String, now: Date = Date()) throws -> [Int64] {
        try database.write { db in
            try db.query(
                "UPDATE serverEvent SET state = ?, reason = ?, finishedAt = ? WHERE state = ? RETURNING id", EventRow.State.failed.rawValue,
                reason, now.timeIntervalSince1970, EventRow.State.running.rawValue
            ).compactMap { $0["id"].integer }.sorted()
        }
    }

    public func event(id: Int64) throws -> EventRow? {
        try database.read { db in try db.fetch(EventRow.self, id: id) }
    }

    /// Events newest first, optionally of one project and older than `beforeId` (paging).
    public func events(projectId: Int64? = nil, beforeId: Int64? = nil, limit: Int = 50) throws -> [EventRow] {
        try database.read { db in
            var conditions = SQLConditions()
            if let projectId { conditions.add("projectId = ?", projectId) }
            if let beforeId { conditions.add("id < ?", beforeId) }
            return try db.fetchAll(
                EventRow.self, "SELECT * FROM serverEvent\(conditions.clause) ORDER BY id DESC LIMIT ?", conditions.arguments + [limit])
        }
    }

    // MARK: Runs

    /// Runs newest first, filtered and paged by id.
    public func runs(filter: RunFilter, limit: Int = 50) throws -> [RunStore.Run] {
        try database.read { db in
            var conditions = SQLConditions()
            if let projectId = filter.projectId { conditions.add("projectId = ?", projectId) }
            if let eventId = filter.eventId { conditions.add("eventId = ?", eventId) }
            if let result = filter.result { conditions.add("result = ?", result) }
            if let workflow = filter.workflowPath { conditions.add("workflowPath = ?", workflow) }
            if let beforeId = filter.beforeId { conditions.add("id < ?", beforeId) }
            if filter.serverOnly { conditions.add("projectId IS NOT NULL") }
            return try db.fetchAll(
                RunStore.Run.self, "SELECT * FROM run\(conditions.clause) ORDER BY id DESC LIMIT ?", conditions.arguments + [limit])
        }
    }

    // MARK: Users and tokens

    public func addUser(_ user: UserRow) throws -> UserRow {
        try database.write { db in
            if try db.scalar("SELECT COUNT(*) FROM \"user\" WHERE name = ?", user.name)?.integer ?? 0 > 0 {
                throw ServerStoreError.nameTaken(user.name)
            }
            var row = user
            row.id = try db.insert(row)
            return row
        }
    }

    public func users() throws -> [UserRow] {
        try database.read { db in try db.fetchAll(UserRow.self, "SELECT * FROM \"user\" ORDER BY id") }
    }

    public func user(id: Int64) throws -> UserRow? {
        try database.read { db in try db.fetch(UserRow.self, id: id) }
    }

    public func user(named name: String) throws -> UserRow? {
        try database.read { db in try db.fetchOne(UserRow.self, "SELECT * FROM \"user\" WHERE name = ?", name) }
    }

    public func addToken(_ token: TokenRow) throws -> TokenRow {
        try database.write { db in
            var row = token
            row.id = try db.insert(row)
            return row
        }
    }

    /// The token with this hash and its user, unless it was revoked.
    public func activeToken(hash: String) throws -> (token: TokenRow, user: UserRow)? {
        try database.read { db in
            guard let token = try db.fetchOne(TokenRow.self, "SELECT * FROM apiToken WHERE hash = ? AND revokedAt IS NULL", hash),
                let user = try db.fetch(UserRow.self, id: token.userId)
            else { return nil }
            return (token, user)
        }
    }

    public func tokens(userId: Int64? = nil) throws -> [TokenRow] {
        try database.read { db in
            var conditions = SQLConditions()
            if let userId { conditions.add("userId = ?", userId) }
            return try db.fetchAll(TokenRow.self, "SELECT * FROM apiToken\(conditions.clause) ORDER BY id", conditions.arguments)
        }
    }

    public func token(id: Int64) throws -> TokenRow? {
        try database.read { db in try db.fetch(TokenRow.self, id: id) }
    }

    /// Revokes a token; answers whether it was active.
    public func revokeToken(_ id: Int64, now: Date = Date()) throws -> Bool {
        try database.write { db in
            try db.changes("UPDATE apiToken SET revokedAt = ? WHERE id = ? AND revokedAt IS NULL", now.timeIntervalSince1970, id) > 0
        }
    }
}
