import Store

/// A token as the API shows it: never its hash; the token itself only in the answer that created it.
struct TokenJSON: Codable, Sendable {
    var id: Int64
    var userId: Int64
    var name: String
    var scope: String
    var createdAt: String?
    var revokedAt: String?
    var token: String?

    init(_ row: TokenRow) {
        id = row.id ?? 0
        userId = row.userId
        name = row.name
        scope = row.scope
        createdAt = APIReply.time(row.createdAt)
        revokedAt = APIReply.time(row.revokedAt)
    }
}

/// The body of `POST /api/v1/users/:id/tokens`.
struct NewToken: Decodable {
    var name: String?
    var scope: String?
}
