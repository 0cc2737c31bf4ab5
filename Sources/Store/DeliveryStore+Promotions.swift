extension DeliveryStore {
    @discardableResult
    public func record(_ promotion: PromotionRow) throws -> Int64 {
        try database.write { db in
            try db.insert(promotion) ?? 0
        }
    }

    /// The promotion whose commit is `revision` (what started a release), if any.
    public func promotion(revision: String) throws -> PromotionRow? {
        try database.read { db in
            try db.fetchOne(PromotionRow.self, "SELECT * FROM promotion WHERE revision = ? ORDER BY id DESC LIMIT 1", revision)
        }
    }

    /// The promotions made from a release, oldest first.
    public func promotions(fromRelease id: Int64) throws -> [PromotionRow] {
        try database.read { db in try db.fetchAll(PromotionRow.self, "SELECT * FROM promotion WHERE sourceReleaseId = ? ORDER BY id", id) }
    }
}
