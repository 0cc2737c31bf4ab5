import GRDB

extension DeliveryStore {
    @discardableResult
    public func record(_ promotion: PromotionRow) throws -> Int64 {
        try database.write { db in
            var row = promotion
            try row.insert(db)
            return row.id ?? db.lastInsertedRowID
        }
    }

    /// The promotion whose commit is `revision` (what started a release), if any.
    public func promotion(revision: String) throws -> PromotionRow? {
        try database.read { db in try PromotionRow.filter(Column("revision") == revision).order(Column("id").desc).fetchOne(db) }
    }

    /// The promotions made from a release, oldest first.
    public func promotions(fromRelease id: Int64) throws -> [PromotionRow] {
        try database.read { db in try PromotionRow.filter(Column("sourceReleaseId") == id).order(Column("id")).fetchAll(db) }
    }
}
