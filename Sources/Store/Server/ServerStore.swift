import Core
import Foundation
import GRDB

/// What `slipway server` keeps: projects, the durable queue of events that start runs, users and API tokens, and the
/// runs themselves (`runs`), in one SQLite file. Rows only: webhook secrets arrive sealed and tokens as hashes.
public struct ServerStore: Sendable {
    let database: DatabaseQueue
    /// The runs the server's events started, in the same file.
    public let runs: RunStore

    public init(path: String) throws {
        database = try StoreSchema.open(path)
        runs = RunStore(database: database)
        try runs.endRunsOfDeadProcesses()
    }

    // MARK: Projects

    /// Adds a project; a name already taken is `ServerStoreError.nameTaken`.
    public func addProject(_ project: ProjectRow) throws -> ProjectRow {
        try database.write { db in
            if try ProjectRow.filter(Column("name") == project.name).fetchCount(db) > 0 { throw ServerStoreError.nameTaken(project.name) }
            var row = project
            try row.insert(db)
            return row
        }
    }

    public func projects() throws -> [ProjectRow] {
        try database.read { db in try ProjectRow.order(Column("id")).fetchAll(db) }
    }

    public func project(id: Int64) throws -> ProjectRow? {
        try database.read { db in try ProjectRow.fetchOne(db, key: id) }
    }

    public func project(named name: String) throws -> ProjectRow? {
        try database.read { db in try ProjectRow.filter(Column("name") == name).fetchOne(db) }
    }

    // MARK: The event queue

    /// Queues an event once per source and delivery id, and a push once per ref and commit across sources: a
    /// redelivery, or a push another channel reported, answers the event already queued, with `isNew` false.
    public func enqueue(_ event: EventRow) throws -> (event: EventRow, isNew: Bool) {
        try database.write { db in
            if let existing = try EventRow.filter(Column("source") == event.source && Column("deliveryId") == event.deliveryId).fetchOne(db)
            {
                return (existing, false)
            }
            // A push another channel already reported (a push hook or a poll before the forge's webhook) is one push.
            if event.event == "push",
                let existing = try EventRow.filter(
                    Column("projectId") == event.projectId && Column("event") == "push" && Column("ref") == event.ref
                        && Column("sha") == event.sha && Column("source") != event.source
                ).fetchOne(db)
            {
                return (existing, false)
            }
            var row = event
            row.state = EventRow.State.queued.rawValue
            try row.insert(db)
            return (row, true)
        }
    }

    /// Takes the oldest queued event and marks it running, in one transaction: two workers never take the same one.
    public func claimNextEvent(now: Date = Date()) throws -> EventRow? {
        try database.write { db in
            guard var row = try EventRow.filter(Column("state") == EventRow.State.queued.rawValue).order(Column("id")).fetchOne(db) else {
                return nil
            }
            row.state = EventRow.State.running.rawValue
            row.startedAt = now.timeIntervalSince1970
            try row.update(db)
            return row
        }
    }

    /// Ends an event (its runs are recorded by then).
    public func finishEvent(_ id: Int64, state: EventRow.State, reason: String?, now: Date = Date()) throws {
        try database.write { db in
            try db.execute(
                sql: "UPDATE serverEvent SET state = ?, reason = ?, finishedAt = ? WHERE id = ?",
                arguments: [state.rawValue, reason, now.timeIntervalSince1970, id])
        }
    }

    /// Ends every event a previous server process left running (it was killed): each is failed once, with `reason`, never
    /// started again. Answers their ids.
    public func failAbandonedEvents(reason: String, now: Date = Date()) throws -> [Int64] {
        try database.write { db in
            let ids = try Int64.fetchAll(
                db, sql: "SELECT id FROM serverEvent WHERE state = ? ORDER BY id", arguments: [EventRow.State.running.rawValue])
            try db.execute(
                sql: "UPDATE serverEvent SET state = ?, reason = ?, finishedAt = ? WHERE state = ?",
                arguments: [EventRow.State.failed.rawValue, reason, now.timeIntervalSince1970, EventRow.State.running.rawValue])
            return ids
        }
    }

    public func event(id: Int64) throws -> EventRow? {
        try database.read { db in try EventRow.fetchOne(db, key: id) }
    }

    /// Events newest first, optionally of one project and older than `beforeId` (paging).
    public func events(projectId: Int64? = nil, beforeId: Int64? = nil, limit: Int = 50) throws -> [EventRow] {
        try database.read { db in
            var request = EventRow.all()
            if let projectId { request = request.filter(Column("projectId") == projectId) }
            if let beforeId { request = request.filter(Column("id") < beforeId) }
            return try request.order(Column("id").desc).limit(limit).fetchAll(db)
        }
    }

    // MARK: Runs

    /// Runs newest first, filtered and paged by id.
    public func runs(filter: RunFilter, limit: Int = 50) throws -> [RunStore.Run] {
        try database.read { db in
            var request = RunStore.Run.all()
            if let projectId = filter.projectId { request = request.filter(Column("projectId") == projectId) }
            if let eventId = filter.eventId { request = request.filter(Column("eventId") == eventId) }
            if let result = filter.result { request = request.filter(Column("result") == result) }
            if let workflow = filter.workflowPath { request = request.filter(Column("workflowPath") == workflow) }
            if let beforeId = filter.beforeId { request = request.filter(Column("id") < beforeId) }
            if filter.serverOnly { request = request.filter(Column("projectId") != nil) }
            return try request.order(Column("id").desc).limit(limit).fetchAll(db)
        }
    }

    // MARK: Users and tokens

    public func addUser(_ user: UserRow) throws -> UserRow {
        try database.write { db in
            if try UserRow.filter(Column("name") == user.name).fetchCount(db) > 0 { throw ServerStoreError.nameTaken(user.name) }
            var row = user
            try row.insert(db)
            return row
        }
    }

    public func users() throws -> [UserRow] {
        try database.read { db in try UserRow.order(Column("id")).fetchAll(db) }
    }

    public func user(id: Int64) throws -> UserRow? {
        try database.read { db in try UserRow.fetchOne(db, key: id) }
    }

    public func user(named name: String) throws -> UserRow? {
        try database.read { db in try UserRow.filter(Column("name") == name).fetchOne(db) }
    }

    public func addToken(_ token: TokenRow) throws -> TokenRow {
        try database.write { db in
            var row = token
            try row.insert(db)
            return row
        }
    }

    /// The token with this hash and its user, unless it was revoked.
    public func activeToken(hash: String) throws -> (token: TokenRow, user: UserRow)? {
        try database.read { db in
            guard let token = try TokenRow.filter(Column("hash") == hash && Column("revokedAt") == nil).fetchOne(db),
                let user = try UserRow.fetchOne(db, key: token.userId)
            else { return nil }
            return (token, user)
        }
    }

    public func tokens(userId: Int64? = nil) throws -> [TokenRow] {
        try database.read { db in
            var request = TokenRow.all()
            if let userId { request = request.filter(Column("userId") == userId) }
            return try request.order(Column("id")).fetchAll(db)
        }
    }

    public func token(id: Int64) throws -> TokenRow? {
        try database.read { db in try TokenRow.fetchOne(db, key: id) }
    }

    /// Revokes a token; answers whether it was active.
    public func revokeToken(_ id: Int64, now: Date = Date()) throws -> Bool {
        try database.write { db in
            try db.execute(
                sql: "UPDATE apiToken SET revokedAt = ? WHERE id = ? AND revokedAt IS NULL", arguments: [now.timeIntervalSince1970, id])
            return db.changesCount > 0
        }
    }
}
