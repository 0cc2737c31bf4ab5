/// An accepted event that starts runs (a webhook delivery, a push to a local repository, a poll that found a new
/// commit): queued until a worker takes it, then running, then completed or failed with a reason.
public struct EventRow: Codable, Sendable, Hashable, StoredRecord {
    public enum State: String, Codable, Sendable, CaseIterable {
        case queued, running, completed, failed
    }

    public static let tableName = "serverEvent"
    public var id: Int64?
    public var projectId: Int64
    /// `github`, `gitlab`, `gitea`, `git` (a post-receive hook), `poll`, `api`.
    public var source: String
    /// Unique per source: a redelivery with the same id starts nothing new.
    public var deliveryId: String
    /// The workflow event: `push`, `pull_request`, `workflow_dispatch`.
    public var event: String
    public var action: String?
    public var ref: String
    public var sha: String
    public var baseRef: String?
    /// The event's payload as delivered (JSON), which runs see as `github.event`.
    public var payload: String
    public var state: String
    public var reason: String?
    public var createdAt: Double
    public var startedAt: Double?
    public var finishedAt: Double?
    /// The replica running it (`ReplicaRow.id`), while it runs.
    public var owner: String?

    public init(
        projectId: Int64, source: String, deliveryId: String, event: String, action: String? = nil, ref: String, sha: String,
        baseRef: String? = nil, payload: String, createdAt: Double
    ) {
        self.projectId = projectId
        self.source = source
        self.deliveryId = deliveryId
        self.event = event
        self.action = action
        self.ref = ref
        self.sha = sha
        self.baseRef = baseRef
        self.payload = payload
        self.state = State.queued.rawValue
        self.createdAt = createdAt
    }

}
