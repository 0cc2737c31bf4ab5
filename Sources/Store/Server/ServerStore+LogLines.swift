extension ServerStore {
    /// Appends lines in one transaction, in order.
    public func appendLogLines(_ lines: [LogLineRow]) throws {
        guard !lines.isEmpty else { return }
        try database.write { db in
            for line in lines { try db.insert(line) }
        }
    }

    /// A delivery's lines after `afterId` (0: from the first), oldest first.
    public func logLines(eventId: Int64, afterId: Int64, limit: Int = 1000) throws -> [LogLineRow] {
        try database.read { db in
            try db.fetchAll(
                LogLineRow.self, "SELECT * FROM logLine WHERE eventId = ? AND id > ? ORDER BY id LIMIT ?", eventId, afterId, limit)
        }
    }
}
