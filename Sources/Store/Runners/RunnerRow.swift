/// A runner registered to take jobs from other machines: its token's SHA-256 and first characters (never the token),
/// and what it last said of itself.
public struct RunnerRow: Codable, Sendable, Hashable, StoredRecord {
    public static let tableName = "runner"
    public var id: Int64?
    public var name: String
    public var hash: String
    public var prefix: String
    public var createdAt: Double
    public var createdBy: String
    /// The labels it last asked for jobs with, comma-separated, lower case.
    public var labels: String = ""
    public var lastSeenAt: Double?

    public init(name: String, hash: String, prefix: String, createdAt: Double, createdBy: String) {
        self.name = name
        self.hash = hash
        self.prefix = prefix
        self.createdAt = createdAt
        self.createdBy = createdBy
    }
}
