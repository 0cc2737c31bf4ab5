/// An API token of a user: only its SHA-256 hash is kept; `scope` is `read`, `write` or `admin`.
public struct TokenRow: Codable, Sendable, Hashable, StoredRecord {
    public static let tableName = "apiToken"
    public var id: Int64?
    public var userId: Int64
    public var name: String
    public var scope: String
    public var hash: String
    public var createdAt: Double
    public var revokedAt: Double?

    public init(userId: Int64, name: String, scope: String, hash: String, createdAt: Double) {
        self.userId = userId
        self.name = name
        self.scope = scope
        self.hash = hash
        self.createdAt = createdAt
    }

}
