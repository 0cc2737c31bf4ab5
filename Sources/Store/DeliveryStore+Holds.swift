import Foundation

extension DeliveryStore {
    /// A revision auto-sync must not deploy (a rolled-back release's), until someone lifts it with a reason.
    public struct HoldRow: Codable, Sendable, Hashable, StoredRecord {
        public static let tableName = "syncHold"
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

    }

    /// Holds a revision; holding one that is held already changes nothing.
    public func addHold(_ hold: HoldRow) throws {
        try database.write { db in
            let existing =
                try db.scalar(
                    "SELECT COUNT(*) FROM syncHold WHERE application = ? AND revision = ? AND removedAt IS NULL", hold.application,
                    hold.revision)?.integer ?? 0
            guard existing == 0 else { return }
            try db.insert(hold)
        }
    }

    /// Holds in force, oldest first (of one application, or all); with `includeRemoved`, lifted ones too.
    public func holds(application: String? = nil, includeRemoved: Bool = false) throws -> [HoldRow] {
        try database.read { db in
            var conditions = SQLConditions()
            if let application { conditions.add("application = ?", application) }
            if !includeRemoved { conditions.add("removedAt IS NULL") }
            return try db.fetchAll(HoldRow.self, "SELECT * FROM syncHold\(conditions.clause) ORDER BY id", conditions.arguments)
        }
    }

    /// Lifts the hold on a revision (a unique prefix of it is enough); answers the lifted hold, nil when none matched.
    public func removeHold(application: String, revision: String, by actor: String, reason: String, at: Double) throws -> HoldRow? {
        try database.write { db in
            let matching = try db.fetchAll(
                HoldRow.self, "SELECT * FROM syncHold WHERE application = ? AND removedAt IS NULL ORDER BY id", application
            ).filter { $0.revision.hasPrefix(revision) }
            guard matching.count == 1, var hold = matching.first else { return nil }
            hold.removedAt = at
            hold.removedBy = actor
            hold.removedReason = reason
            try db.update(hold)
            return hold
        }
    }
}
