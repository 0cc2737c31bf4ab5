/// A pipeline a trigger created: `iid` counts a project's pipelines from 1; `variables` is a JSON object of strings.
public struct PipelineRow: Codable, Sendable, Hashable, StoredRecord {
    public static let tableName = "pipeline"
    public var id: Int64?
    public var projectId: Int64
    public var iid: Int64
    public var ref: String
    public var sha: String
    public var tag: Bool
    public var status: String
    public var source: String
    public var variables: String
    /// The body of a webhook-style trigger, which the pipeline sees as the file variable `TRIGGER_PAYLOAD`.
    public var triggerPayload: String?
    public var triggerId: Int64?
    public var createdAt: Double
    public var updatedAt: Double
    /// The run (in the run store) that runs this pipeline, once it started.
    public var runId: Int64?
    /// Why the pipeline failed without running its jobs (an invalid file, a server restart).
    public var reason: String?

    public init(
        projectId: Int64, ref: String, sha: String, tag: Bool, status: String, source: String, variables: String, triggerPayload: String?,
        triggerId: Int64?, createdAt: Double
    ) {
        self.projectId = projectId
        iid = 0
        self.ref = ref
        self.sha = sha
        self.tag = tag
        self.status = status
        self.source = source
        self.variables = variables
        self.triggerPayload = triggerPayload
        self.triggerId = triggerId
        self.createdAt = createdAt
        updatedAt = createdAt
    }

}
