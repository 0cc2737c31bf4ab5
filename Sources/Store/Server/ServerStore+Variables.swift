import GRDB

extension ServerStore {
    /// Sets a project's variable (replacing one of the same name); answers whether it was new.
    @discardableResult
    public func setVariable(_ variable: VariableRow) throws -> Bool {
        try database.write { db in
            let existed =
                try VariableRow.filter(Column("projectId") == variable.projectId && Column("name") == variable.name).fetchCount(db) > 0
            try variable.save(db)
            return !existed
        }
    }

    /// A project's variables by name.
    public func variables(projectId: Int64) throws -> [VariableRow] {
        try database.read { db in try VariableRow.filter(Column("projectId") == projectId).order(Column("name")).fetchAll(db) }
    }

    public func deleteVariable(projectId: Int64, name: String) throws -> Bool {
        try database.write { db in
            try VariableRow.filter(Column("projectId") == projectId && Column("name") == name).deleteAll(db) > 0
        }
    }
}
