import GRDB

extension ServerStore {
    /// Appends lines in one transaction, in order.
    public func appendLogLines(_ lines: [LogLineRow]) throws {
        guard !lines.isEmpty else { return }
        try database.write { db in
            for var line in lines { try line.insert(db) }
        }
    }

    /// A delivery's lines after `afterId` (0: from the first), oldest first.
    public func logLines(eventId: Int64, afterId: Int64, limit: Int = 1000) throws -> [LogLineRow] {
        try database.read { db in
            try LogLineRow.filter(Column("eventId") == eventId && Column("id") > afterId).order(Column("id")).limit(limit).fetchAll(db)
        }
    }
}
