/// A repository the server runs workflows for.
public struct ProjectRow: Codable, Sendable, Hashable, StoredRecord {
    public static let tableName = "project"
    public var id: Int64?
    public var name: String
    /// A local path or a URL git can fetch.
    public var repository: String
    public var defaultBranch: String
    /// The webhook secret, sealed by the server (never stored in clear).
    public var webhookSecret: [UInt8]?
    public var createdAt: Double
    /// The SHA-256 of the token the project's post-receive hook sends, once the server installed one.
    public var hookTokenHash: String?
    /// When the project's heads were first recorded (before that, nothing it has is new).
    public var headsRecordedAt: Double?

    public init(name: String, repository: String, defaultBranch: String, webhookSecret: [UInt8]?, createdAt: Double) {
        self.name = name
        self.repository = repository
        self.defaultBranch = defaultBranch
        self.webhookSecret = webhookSecret
        self.createdAt = createdAt
    }

}
