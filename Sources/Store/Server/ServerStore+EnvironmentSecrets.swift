import GRDB

extension ServerStore {
    /// Sets an environment's secret (replacing one of the same name); answers whether it was new.
    @discardableResult
    public func setEnvironmentSecret(_ secret: EnvironmentSecretRow) throws -> Bool {
        try database.write { db in
            let existed =
                try EnvironmentSecretRow.filter(
                    Column("projectId") == secret.projectId && Column("environment") == secret.environment && Column("name") == secret.name
                ).fetchCount(db) > 0
            try secret.save(db)
            return !existed
        }
    }

    /// A project's environment secrets (values sealed), of one environment or all, by environment then name.
    public func environmentSecrets(projectId: Int64, environment: String? = nil) throws -> [EnvironmentSecretRow] {
        try database.read { db in
            var request = EnvironmentSecretRow.filter(Column("projectId") == projectId)
            if let environment { request = request.filter(Column("environment") == environment.lowercased()) }
            return try request.order(Column("environment"), Column("name")).fetchAll(db)
        }
    }

    public func deleteEnvironmentSecret(projectId: Int64, environment: String, name: String) throws -> Bool {
        try database.write { db in
            try EnvironmentSecretRow.filter(
                Column("projectId") == projectId && Column("environment") == environment.lowercased() && Column("name") == name
            ).deleteAll(db) > 0
        }
    }
}
