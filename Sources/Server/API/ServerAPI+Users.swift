import Foundation
import Hummingbird
import Store

extension ServerAPI {
    /// Users and tokens, for admins: `GET/POST /api/v1/users`, `POST /api/v1/users/:id/tokens` (the token is in the
    /// answer, once), `GET /api/v1/tokens`, `DELETE /api/v1/tokens/:id`. Hashes are never shown.
    func addUserRoutes(to router: Router<BasicRequestContext>) {
        let api = self
        router.get("/api/v1/users") { request, _ in
            try await api.authorized(request, .admin, .admin) { _ in APIReply.json(try api.store.users().map(UserJSON.init)) }
        }
        router.post("/api/v1/users") { request, _ in
            try await api.authorized(request, .admin, .admin) { _ in
                let body = try await APIReply.decode(NewUser.self, from: request)
                guard let role = Role(rawValue: body.role) else {
                    throw APIFailure(.badRequest, "'role' must be one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                let name = body.name.trimmingCharacters(in: .whitespaces)
                guard !name.isEmpty, name.count <= 100 else { throw APIFailure(.badRequest, "'name' must be 1 to 100 characters") }
                do {
                    let row = try api.store.addUser(UserRow(name: name, role: role.rawValue, createdAt: Date().timeIntervalSince1970))
                    return APIReply.json(UserJSON(row), status: .created)
                } catch ServerStoreError.nameTaken {
                    throw APIFailure(.conflict, "a user named '\(name)' exists")
                }
            }
        }
        router.post("/api/v1/users/:id/tokens") { request, context in
            try await api.authorized(request, .admin, .admin) { _ in
                guard let id = context.parameters.get("id").flatMap(Int64.init), let user = try api.store.user(id: id), let userId = user.id
                else { return APIReply.notFound }
                let body = try await APIReply.decode(NewToken.self, from: request)
                guard let scope = TokenScope(rawValue: body.scope ?? "read") else {
                    throw APIFailure(.badRequest, "'scope' must be one of \(TokenScope.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                let issued = try api.tokens.issue(userId: userId, name: body.name ?? "token", scope: scope)
                var json = TokenJSON(issued.row)
                json.token = issued.token
                return APIReply.json(json, status: .created)
            }
        }
        router.get("/api/v1/tokens") { request, _ in
            try await api.authorized(request, .admin, .admin) { _ in APIReply.json(try api.store.tokens().map(TokenJSON.init)) }
        }
        router.delete("/api/v1/tokens/:id") { request, context in
            try await api.authorized(request, .admin, .admin) { _ in
                guard let id = context.parameters.get("id").flatMap(Int64.init), try api.store.token(id: id) != nil else {
                    return APIReply.notFound
                }
                _ = try api.store.revokeToken(id)
                return Response(status: .noContent)
            }
        }
    }
}
