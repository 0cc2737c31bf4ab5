import Foundation
import Hummingbird
import Store

extension ServerAPI {
    /// A project's configuration variables — GitHub's `vars.NAME` in its workflows, GitLab's project CI/CD variables in
    /// its pipelines: `GET /api/v1/projects/:id/variables` lists them with their values (developers; they are not
    /// secrets, so they are neither sealed nor masked), `PUT …/variables/:name` with `{"value"}` sets one and
    /// `DELETE …/variables/:name` removes it (admins, write scope).
    func addVariableRoutes(to router: Router<BasicRequestContext>) {
        let api = self
        router.get("/api/v1/projects/:id/variables") { request, context in
            try await api.authorized(request, .developer, .read) { _ in
                guard let project = try api.project(context.parameters.get("id")), let id = project.id else { return APIReply.notFound }
                return APIReply.json(try api.store.variables(projectId: id).map(VariableJSON.init))
            }
        }
        router.put("/api/v1/projects/:id/variables/:name") { request, context in
            try await api.authorized(request, .admin, .write) { principal in
                guard let project = try api.project(context.parameters.get("id")), let id = project.id else { return APIReply.notFound }
                let name = try Self.variableName(context.parameters.get("name"))
                let body = try await APIReply.decode(SecretBody.self, from: request, limit: 64 << 10)
                guard body.value.utf8.count <= Self.secretLimit else {
                    throw APIFailure(.contentTooLarge, "a variable's value is at most \(Self.secretLimit) bytes")
                }
                let row = VariableRow(
                    projectId: id, name: name, value: body.value, updatedAt: Date().timeIntervalSince1970, updatedBy: principal.userName)
                let created = try api.store.setVariable(row)
                return APIReply.json(VariableJSON(row), status: created ? .created : .ok)
            }
        }
        router.delete("/api/v1/projects/:id/variables/:name") { request, context in
            try await api.authorized(request, .admin, .write) { _ in
                guard let project = try api.project(context.parameters.get("id")), let id = project.id else { return APIReply.notFound }
                let name = try Self.variableName(context.parameters.get("name"))
                guard try api.store.deleteVariable(projectId: id, name: name) else { return APIReply.notFound }
                return Response(status: .noContent)
            }
        }
    }

    /// A variable's name as GitHub accepts it: the rules of a secret's name (`secretName`), upper-cased.
    static func variableName(_ raw: String?) throws(APIFailure) -> String {
        do { return try secretName(raw) } catch {
            throw APIFailure(
                .badRequest, "a variable's name is letters, digits and '_', does not start with a digit or GITHUB_, at most 200 characters")
        }
    }
}

/// A variable as the API shows it, with its value.
struct VariableJSON: Encodable {
    var name: String
    var value: String
    var updatedAt: String?
    var updatedBy: String

    init(_ row: VariableRow) {
        name = row.name
        value = row.value
        updatedAt = APIReply.time(row.updatedAt)
        updatedBy = row.updatedBy
    }
}
