import Foundation
import Hummingbird
import Store

extension ServerAPI {
    /// A project's secrets, which its runs get as `secrets.NAME` (masked in every log): `GET /api/v1/projects/:id/secrets`
    /// lists names and who set them (developers), `PUT …/secrets/:name` with `{"value"}` sets one and
    /// `DELETE …/secrets/:name` removes it (admins, write scope). Values are sealed with the server's key before they are
    /// stored, and no answer ever contains one.
    func addSecretRoutes(to router: Router<BasicRequestContext>) {
        let api = self
        router.get("/api/v1/projects/:id/secrets") { request, context in
            try await api.authorized(request, .developer, .read) { _ in
                guard let project = try api.project(context.parameters.get("id")), let id = project.id else { return APIReply.notFound }
                return APIReply.json(try api.store.secrets(projectId: id).map(SecretJSON.init))
            }
        }
        router.put("/api/v1/projects/:id/secrets/:name") { request, context in
            try await api.authorized(request, .admin, .write) { principal in
                guard let project = try api.project(context.parameters.get("id")), let id = project.id else { return APIReply.notFound }
                let name = try Self.secretName(context.parameters.get("name"))
                let body = try await APIReply.decode(SecretBody.self, from: request, limit: 64 << 10)
                guard body.value.utf8.count <= Self.secretLimit else {
                    throw APIFailure(.contentTooLarge, "a secret's value is at most \(Self.secretLimit) bytes")
                }
                let row = SecretRow(
                    projectId: id, name: name, sealed: try api.secrets.seal(body.value), updatedAt: Date().timeIntervalSince1970,
                    updatedBy: principal.userName)
                let created = try api.store.setSecret(row)
                return APIReply.json(SecretJSON(row), status: created ? .created : .ok)
            }
        }
        router.delete("/api/v1/projects/:id/secrets/:name") { request, context in
            try await api.authorized(request, .admin, .write) { _ in
                guard let project = try api.project(context.parameters.get("id")), let id = project.id else { return APIReply.notFound }
                let name = try Self.secretName(context.parameters.get("name"))
                guard try api.store.deleteSecret(projectId: id, name: name) else { return APIReply.notFound }
                return Response(status: .noContent)
            }
        }
    }

    /// An environment's secrets, which jobs deploying to it get over the project's (`docs/environments.md`), under
    /// `/api/v1/projects/:id/environments/:environment/secrets`: listed by developers, set and removed by admins, the
    /// values sealed before they are stored and never answered.
    func addEnvironmentSecretRoutes(to router: Router<BasicRequestContext>) {
        let api = self
        router.get("/api/v1/projects/:id/environments/:environment/secrets") { request, context in
            try await api.authorized(request, .developer, .read) { _ in
                guard let project = try api.project(context.parameters.get("id")), let id = project.id else { return APIReply.notFound }
                let environment = try Self.environmentName(context.parameters.get("environment"))
                return APIReply.json(
                    try api.store.environmentSecrets(projectId: id, environment: environment).map(EnvironmentSecretJSON.init))
            }
        }
        router.put("/api/v1/projects/:id/environments/:environment/secrets/:name") { request, context in
            try await api.authorized(request, .admin, .write) { principal in
                guard let project = try api.project(context.parameters.get("id")), let id = project.id else { return APIReply.notFound }
                let environment = try Self.environmentName(context.parameters.get("environment"))
                let name = try Self.secretName(context.parameters.get("name"))
                let body = try await APIReply.decode(SecretBody.self, from: request, limit: 64 << 10)
                guard body.value.utf8.count <= Self.secretLimit else {
                    throw APIFailure(.contentTooLarge, "a secret's value is at most \(Self.secretLimit) bytes")
                }
                let row = EnvironmentSecretRow(
                    projectId: id, environment: environment, name: name, sealed: try api.secrets.seal(body.value),
                    updatedAt: Date().timeIntervalSince1970, updatedBy: principal.userName)
                let created = try api.store.setEnvironmentSecret(row)
                return APIReply.json(EnvironmentSecretJSON(row), status: created ? .created : .ok)
            }
        }
        router.delete("/api/v1/projects/:id/environments/:environment/secrets/:name") { request, context in
            try await api.authorized(request, .admin, .write) { _ in
                guard let project = try api.project(context.parameters.get("id")), let id = project.id else { return APIReply.notFound }
                let environment = try Self.environmentName(context.parameters.get("environment"))
                let name = try Self.secretName(context.parameters.get("name"))
                guard try api.store.deleteEnvironmentSecret(projectId: id, environment: environment, name: name) else {
                    return APIReply.notFound
                }
                return Response(status: .noContent)
            }
        }
    }

    /// An environment's name as `slipway.yaml` may declare it (compared without regard to case).
    static func environmentName(_ raw: String?) throws(APIFailure) -> String {
        let name = (raw ?? "").removingPercentEncoding ?? ""
        guard !name.isEmpty, name.count <= 255, !name.contains(where: { "'\"`,;/\\".contains($0) || $0.isNewline }) else {
            throw APIFailure(.badRequest, "an environment's name is at most 255 characters without ' \" ` , ; / or \\")
        }
        return name.lowercased()
    }

    /// GitHub's limit on a secret's value.
    static let secretLimit = 48 << 10

    /// A secret's name as GitHub accepts it — letters, digits and `_`, not starting with a digit or `GITHUB_` — upper-cased
    /// (names are not case-sensitive).
    static func secretName(_ raw: String?) throws(APIFailure) -> String {
        let name = (raw ?? "").uppercased()
        guard let first = name.unicodeScalars.first, first == "_" || ("A"..."Z").contains(first),
            name.unicodeScalars.allSatisfy({ $0 == "_" || ("A"..."Z").contains($0) || ("0"..."9").contains($0) }),
            !name.hasPrefix("GITHUB_"), name.count <= 200
        else {
            throw APIFailure(
                .badRequest, "a secret's name is letters, digits and '_', does not start with a digit or GITHUB_, at most 200 characters")
        }
        return name
    }
}

/// A secret as the API shows it: never its value.
struct SecretJSON: Encodable {
    var name: String
    var updatedAt: String?
    var updatedBy: String

    init(_ row: SecretRow) {
        name = row.name
        updatedAt = APIReply.time(row.updatedAt)
        updatedBy = row.updatedBy
    }
}

/// An environment's secret as the API shows it: never its value.
struct EnvironmentSecretJSON: Encodable {
    var environment: String
    var name: String
    var updatedAt: String?
    var updatedBy: String

    init(_ row: EnvironmentSecretRow) {
        environment = row.environment
        name = row.name
        updatedAt = APIReply.time(row.updatedAt)
        updatedBy = row.updatedBy
    }
}

/// The body that sets a secret.
struct SecretBody: Decodable {
    var value: String
}
