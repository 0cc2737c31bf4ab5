import Store

/// A runner as the API shows it: never its token's hash; the token itself only in the answer that registered it.
struct RunnerJSON: Codable, Sendable {
    var id: Int64
    var name: String
    var prefix: String
    var labels: [String]
    var createdAt: String?
    var createdBy: String
    var lastSeenAt: String?
    var token: String?

    init(_ row: RunnerRow, token: String? = nil) {
        id = row.id ?? 0
        name = row.name
        prefix = row.prefix
        labels = row.labels.split(separator: ",").map(String.init)
        createdAt = APIReply.time(row.createdAt)
        createdBy = row.createdBy
        lastSeenAt = APIReply.time(row.lastSeenAt)
        self.token = token
    }
}

/// The body of `POST /api/v1/runners`.
struct NewRunner: Decodable {
    var name: String
}
