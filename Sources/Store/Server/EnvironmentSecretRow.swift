/// A secret of one of a project's environments, sealed with the server's key: jobs deploying to that environment see
/// it over the project's secret of the same name.
public struct EnvironmentSecretRow: Codable, Sendable, Hashable, StoredRecord {
    public static let tableName = "environmentSecret"
    public static let keyColumns = ["projectId", "environment", "name"]
    public var projectId: Int64
    /// Lower-cased: environments are named without regard to case.
    public var environment: String
    public var name: String
    public var sealed: [UInt8]
    public var updatedAt: Double
    public var updatedBy: String

    public init(projectId: Int64, environment: String, name: String, sealed: [UInt8], updatedAt: Double, updatedBy: String) {
        self.projectId = projectId
        self.environment = environment.lowercased()
        self.name = name
        self.sealed = sealed
        self.updatedAt = updatedAt
        self.updatedBy = updatedBy
    }
}
