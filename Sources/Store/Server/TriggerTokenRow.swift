/// A GitLab pipeline trigger token of a project: its SHA-256 and its first characters (to tell tokens apart), never
/// the token itself.
public struct TriggerTokenRow: Codable, Sendable, Hashable, StoredRecord {
    public static let tableName = "triggerToken"
    public var id: Int64?
    public var projectId: Int64
    public var ownerId: Int64
    public var description: String
    public var hash: String
    public var prefix: String
    public var createdAt: Double
    public var lastUsedAt: Double?

    public init(projectId: Int64, ownerId: Int64, description: String, hash: String, prefix: String, createdAt: Double) {
        self.projectId = projectId
        self.ownerId = ownerId
        self.description = description
        self.hash = hash
        self.prefix = prefix
        self.createdAt = createdAt
    }

}
