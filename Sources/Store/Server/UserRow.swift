/// A person or a machine that uses the server's API, with one role (`viewer`, `developer`, `approver`, `admin`).
public struct UserRow: Codable, Sendable, Hashable, StoredRecord {
    public static let tableName = "user"
    public var id: Int64?
    public var name: String
    public var role: String
    public var createdAt: Double

    public init(name: String, role: String, createdAt: Double) {
        self.name = name
        self.role = role
        self.createdAt = createdAt
    }

}
