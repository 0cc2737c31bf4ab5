/// A project's configuration variable (GitHub's `vars.NAME`, GitLab's project CI/CD variable): not a secret, so its
/// value is stored and shown as it is.
public struct VariableRow: Codable, Sendable, Hashable, StoredRecord {
    public static let tableName = "projectVariable"
    public static let keyColumns = ["projectId", "name"]
    public var projectId: Int64
    public var name: String
    public var value: String
    public var updatedAt: Double
    public var updatedBy: String

    public init(projectId: Int64, name: String, value: String, updatedAt: Double, updatedBy: String) {
        self.projectId = projectId
        self.name = name
        self.value = value
        self.updatedAt = updatedAt
        self.updatedBy = updatedBy
    }
}
