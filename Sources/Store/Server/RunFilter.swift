/// Which runs a listing shows (every condition given must hold), paged by id.
public struct RunFilter: Sendable, Hashable {
    public var projectId: Int64?
    public var eventId: Int64?
    public var result: String?
    public var workflowPath: String?
    /// Only runs older than this one (the next page).
    public var beforeId: Int64?
    /// Only runs a server event started.
    public var serverOnly = false

    public init(projectId: Int64? = nil, eventId: Int64? = nil, result: String? = nil, workflowPath: String? = nil, beforeId: Int64? = nil)
    {
        self.projectId = projectId
        self.eventId = eventId
        self.result = result
        self.workflowPath = workflowPath
        self.beforeId = beforeId
    }
}
