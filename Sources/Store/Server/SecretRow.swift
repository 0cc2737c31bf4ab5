/// A project's secret: its name and its value sealed with the server's key (AES-GCM), never the value itself.
public struct SecretRow: Codable, Sendable, Hashable, StoredRecord {
    public static let tableName = "projectSecret"
    public static let keyColumns = ["projectId", "name"]
    public var projectId: Int64
    public var name: String
    public var sealed: [UInt8]
    public var updatedAt: Double
    public var updatedBy: String

    public init(projectId: Int64, name: String, sealed: [UInt8], updatedAt: Double, updatedBy: String) {
        self.projectId = projectId
        self.name = name
        self.sealed = sealed
        self.updatedAt = updatedAt
        self.updatedBy = updatedBy
    }
}
