import Foundation
import GRDB

extension ServerStore {
    /// The branch and tag heads last seen for a project (ref → commit); nil when it was never looked at.
    public func heads(projectId: Int64) throws -> [String: String]? {
        try database.read { db in
            let recorded = try Double.fetchOne(db, sql: "SELECT headsRecordedAt FROM project WHERE id = ?", arguments: [projectId])
            guard recorded != nil else { return nil }
            let rows = try Row.fetchAll(db, sql: "SELECT ref, sha FROM projectHead WHERE projectId = ?", arguments: [projectId])
            return Dictionary(rows.map { (row: Row) -> (String, String) in (row["ref"], row["sha"]) }, uniquingKeysWith: { $1 })
        }
    }

    /// Replaces a project's heads with `heads`, and queues `events` (pushes the heads revealed) in the same
    /// transaction, each unless a push of the same ref and commit is already queued or done (from any source).
    /// Answers the events queued.
    public func updateHeads(projectId: Int64, heads: [String: String], queueing events: [EventRow]) throws -> [EventRow] {
        try database.write { db in
            try db.execute(sql: "DELETE FROM projectHead WHERE projectId = ?", arguments: [projectId])
            try db.execute(
                sql: "UPDATE project SET headsRecordedAt = COALESCE(headsRecordedAt, ?) WHERE id = ?",
                arguments: [Date().timeIntervalSince1970, projectId])
            for (ref, sha) in heads.sorted(by: { $0.key < $1.key }) {
                try db.execute(sql: "INSERT INTO projectHead (projectId, ref, sha) VALUES (?, ?, ?)", arguments: [projectId, ref, sha])
            }
            var queued: [EventRow] = []
            for event in events {
                let known = try EventRow.filter(
                    Column("projectId") == projectId && Column("event") == "push" && Column("ref") == event.ref
                        && Column("sha") == event.sha
                ).fetchCount(db)
                let delivered = try EventRow.filter(Column("source") == event.source && Column("deliveryId") == event.deliveryId)
                    .fetchCount(db)
                guard known == 0, delivered == 0 else { continue }
                var row = event
                row.state = EventRow.State.queued.rawValue
                try row.insert(db)
                queued.append(row)
            }
            return queued
        }
    }

    /// Records that a project's post-receive hook was installed with a token of this hash.
    public func setHookToken(projectId: Int64, hash: String) throws {
        try database.write { db in
            try db.execute(sql: "UPDATE project SET hookTokenHash = ? WHERE id = ?", arguments: [hash, projectId])
        }
    }
}
