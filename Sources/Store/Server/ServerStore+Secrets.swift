import GRDB

extension ServerStore {
    /// Sets a project's secret (replacing one of the same name); answers whether it was new.
    @discardableResult
    public func setSecret(_ secret: SecretRow) throws -> Bool {
        try database.write { db in
            let existed = try SecretRow.filter(Column("projectId") == secret.projectId && Column("name") == secret.name).fetchCount(db) > 0
            try secret.save(db)
            return !existed
        }
    }

    /// A project's secrets by name (values sealed).
    public func secrets(projectId: Int64) throws -> [SecretRow] {
        try database.read { db in try SecretRow.filter(Column("projectId") == projectId).order(Column("name")).fetchAll(db) }
    }

    public func deleteSecret(projectId: Int64, name: String) throws -> Bool {
        try database.write { db in
            try SecretRow.filter(Column("projectId") == projectId && Column("name") == name).deleteAll(db) > 0
        }
    }
}
