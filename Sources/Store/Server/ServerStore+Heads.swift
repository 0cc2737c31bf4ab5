import Foundation

extension ServerStore {
    /// The branch and tag heads last seen for a project (ref → commit); nil when it was never looked at.
    public func heads(projectId: Int64) throws -> [String: String]? {
        try database.read { db in
            guard try db.scalar("SELECT headsRecordedAt FROM project WHERE id = ?", projectId) != nil else { return nil }
            let rows = try db.query("SELECT ref, sha FROM projectHead WHERE projectId = ?", projectId)
            return Dictionary(rows.map { ($0["ref"].text ?? "", $0["sha"].text ?? "") }, uniquingKeysWith: { $1 })
        }
    }

    /// Replaces a project's heads with `heads`, and queues `events` (pushes the heads revealed) in the same
    /// transaction, each unless a push of the same ref and commit is already queued or done (from any source).
    /// Answers the events queued.
    public func updateHeads(projectId: Int64, heads: [String: String], queueing events: [EventRow]) throws -> [EventRow] {
        try database.write { db in
            try db.query("DELETE FROM projectHead WHERE projectId = ?", projectId)
            try db.query(
                "UPDATE project SET headsRecordedAt = COALESCE(headsRecordedAt, ?) WHERE id = ?", Date().timeIntervalSince1970, projectId)
            for (ref, sha) in heads.sorted(by: { $0.key < $1.key }) {
                try db.query("INSERT INTO projectHead (projectId, ref, sha) VALUES (?, ?, ?)", projectId, ref, sha)
            }
            var queued: [EventRow] = []
            for event in events {
                let known =
                    try db.scalar(
                        "SELECT COUNT(*) FROM serverEvent WHERE projectId = ? AND event = 'push' AND ref = ? AND sha = ?", projectId,
                        event.ref,
                        event.sha)?.integer ?? 0
                let delivered =
                    try db.scalar(
                        "SELECT COUNT(*) FROM serverEvent WHERE source = ? AND deliveryId = ?", event.source, event.deliveryId)?.integer
                    ?? 0
                guard known == 0, delivered == 0 else { continue }
                var row = event
                row.state = EventRow.State.queued.rawValue
                row.id = try db.insert(row)
                queued.append(row)
            }
            return queued
        }
    }

    /// Records that a project's post-receive hook was installed with a token of this hash.
    public func setHookToken(projectId: Int64, hash: String) throws {
        try database.write { db in
            try db.query("UPDATE project SET hookTokenHash = ? WHERE id = ?", hash, projectId)
        }
    }
}
