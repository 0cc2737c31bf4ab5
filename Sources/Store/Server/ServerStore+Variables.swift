extension ServerStore {
    /// Sets a project's variable (replacing one of the same name); answers whether it was new.
    @discardableResult
    public func setVariable(_ variable: VariableRow) throws -> Bool {
        try database.write { db in
            let existed =
                try db.scalar("SELECT COUNT(*) FROM projectVariable WHERE projectId = ? AND name = ?", variable.projectId, variable.name)?
                .integer ?? 0 > 0
            try db.upsert(variable)
            return !existed
        }
    }

    /// A project's variables by name.
    public func variables(projectId: Int64) throws -> [VariableRow] {
        try database.read { db in
            try db.fetchAll(VariableRow.self, "SELECT * FROM projectVariable WHERE projectId = ? ORDER BY name", projectId)
        }
    }

    public func deleteVariable(projectId: Int64, name: String) throws -> Bool {
        try database.write { db in try db.changes("DELETE FROM projectVariable WHERE projectId = ? AND name = ?", projectId, name) > 0 }
    }
}
