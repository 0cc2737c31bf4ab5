import Store

/// A user as the API shows it.
struct UserJSON: Codable, Sendable {
    var id: Int64
    var name: String
    var role: String
    var createdAt: String?

    init(_ row: UserRow) {
        id = row.id ?? 0
        name = row.name
        role = row.role
        createdAt = APIReply.time(row.createdAt)
    }
}

/// The body of `POST /api/v1/users`.
struct NewUser: Decodable {
    var name: String
    var role: String
}
