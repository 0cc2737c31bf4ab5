import Store

/// A project as the API shows it: never its webhook secret, only whether it has one.
struct ProjectJSON: Codable, Sendable {
    var id: Int64
    var name: String
    var repository: String
    var defaultBranch: String
    var hasWebhookSecret: Bool
    var createdAt: String?
    /// Whether the server installed its post-receive hook (when the project was added), or why not.
    var pushHook: String?

    init(_ row: ProjectRow) {
        id = row.id ?? 0
        name = row.name
        repository = row.repository
        defaultBranch = row.defaultBranch
        hasWebhookSecret = row.webhookSecret != nil
        createdAt = APIReply.time(row.createdAt)
    }
}

/// The body of `POST /api/v1/projects`.
struct NewProject: Decodable {
    var name: String
    var repository: String
    var defaultBranch: String?
    var webhookSecret: String?
}
