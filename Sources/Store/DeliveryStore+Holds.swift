import Foundation
import GRDB

extension DeliveryStore {
    /// A revision auto-sync must not deploy (a rolled-back release's), until someone lifts it with a reason.
    public struct HoldRow: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
        public static let databaseTableName = "syncHold"
        public var id: Int64?
        public var application: String
        public var revision: String
        public var reason: String
        public var releaseId: Int64?
        public var createdAt: Double
        public var removedAt: Double?
        public var removedBy: String?
        public var removedReason: String?

        public init(application: String, revision: String, reason: String, releaseId: Int64?, createdAt: Double) {
            self.application = application
            self.revision = revision
            self.reason = reason
            self.releaseId = releaseId
            self.createdAt = createdAt
        }

        public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
    }

    /// Holds a revision; holding one that is held already changes nothing.
    public func addHold(_ hold: HoldRow) throws {
        try database.write { db in
            let existing = try HoldRow.filter(
                Column("application") == hold.application && Column("revision") == hold.revision
                    && Column("removedAt") == nil
            ).fetchCount(db)
            guard existing == 0 else { return }
            var row = hold
            try row.insert(db)
        }
    }

    /// Holds in force, oldest first (of one application, or all); with `includeRemoved`, lifted ones too.
    public func holds(application: String? = nil, includeRemoved: Bool = false) throws -> [HoldRow] {
        try database.read { db in
            var request = HoldRow.order(Column("id"))
            if let application { request = request.filter(Column("application") == application) }
            if !includeRemoved { request = request.filter(Column("removedAt") == nil) }
            return try request.fetchAll(db)
        }
    }

    /// Lifts the hold on a revision (a unique prefix of it is enough); answers the lifted hold, nil when none matched.
    public func removeHold(application: String, revision: String, by actor: String, reason: String, at: Double) throws -> HoldRow? {
        try database.write { db in
            let matching = try HoldRow.filter(Column("application") == application && Column("removedAt") == nil).fetchAll(db)
                .filter { $0.revision.hasPrefix(revision) }
            guard matching.count == 1, var hold = matching.first else { return nil }
            hold.removedAt = at
            hold.removedBy = actor
            hold.removedReason = reason
            try hold.update(db)
            return hold
        }
    }
}
