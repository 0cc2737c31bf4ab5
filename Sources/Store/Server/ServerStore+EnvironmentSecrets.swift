extension ServerStore {
    /// Sets an environment's secret (replacing one of the same name); answers whether it was new.
    @discardableResult
    public func setEnvironmentSecret(_ secret: EnvironmentSecretRow) throws -> Bool {
        try database.write { db in
            let existed =
                try db.scalar(
                    "SELECT COUNT(*) FROM environmentSecret WHERE projectId = ? AND environment = ? AND name = ?", secret.projectId,
                    secret.environment, secret.name)?.integer ?? 0 > 0
            try db.upsert(secret)
            return !existed
        }
    }

    /// A project's environment secrets (values sealed), of one environment or all, by environment then name.
    public func environmentSecrets(projectId: Int64, environment: String? = nil) throws -> [EnvironmentSecretRow] {
        try database.read { db in
            var conditions = SQLConditions()
            conditions.add("projectId = ?", projectId)
            if let environment { conditions.add("environment = ?", environment.lowercased()) }
            return try db.fetchAll(
                EnvironmentSecretRow.self, "SELECT * FROM environmentSecret\(conditions.clause) ORDER BY environment, name",
                conditions.arguments)
        }
    }

    public func deleteEnvironmentSecret(projectId: Int64, environment: String, name: String) throws -> Bool {
        try database.write { db in
            try db.changes(
                "DELETE FROM environmentSecret WHERE projectId = ? AND environment = ? AND name = ?", projectId, environment.lowercased(),
                name) > 0
        }
    }
}
