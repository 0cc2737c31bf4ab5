extension ServerStore {
    /// Sets a project's secret (replacing one of the same name); answers whether it was new.
    @discardableResult
    public func setSecret(_ secret: SecretRow) throws -> Bool {
        try database.write { db in
            let existed =
                try db.scalar("SELECT COUNT(*) FROM projectSecret WHERE projectId = ? AND name = ?", secret.projectId, secret.name)?.integer
                ?? 0 > 0
            try db.upsert(secret)
            return !existed
        }
    }

    /// A project's secrets by name (values sealed).
    public func secrets(projectId: Int64) throws -> [SecretRow] {
        try database.read { db in
            try db.fetchAll(SecretRow.self, "SELECT * FROM projectSecret WHERE projectId = ? ORDER BY name", projectId)
        }
    }

    public func deleteSecret(projectId: Int64, name: String) throws -> Bool {
        try database.write { db in try db.changes("DELETE FROM projectSecret WHERE projectId = ? AND name = ?", projectId, name) > 0 }
    }
}
