import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Store

extension ServerAPI {
    /// A forge's webhook: authenticated over the raw body by the secret of the project it names, then queued once per
    /// delivery id. Nothing is stored for a delivery that is refused.
    func webhook(_ provider: WebhookProvider, _ request: Request) async -> Response {
        do {
            let (event, isNew) = try await accept(provider, request)
            guard let event else { return APIReply.message("pong", status: .ok) }
            if isNew { worker.wake() }
            return APIReply.json(WebhookAnswer(deliveryId: event.id ?? 0, duplicate: !isNew), status: isNew ? .accepted : .ok)
        } catch let problem as WebhookProblem {
            switch problem {
            case .badRequest(let text): return APIReply.message(text, status: .badRequest)
            case .unauthenticated: return APIReply.unauthorized
            case .tooLarge: return APIReply.message("the delivery is over 25 MiB", status: .contentTooLarge)
            }
        } catch let ignored as WebhookIgnored {
            return APIReply.message(ignored.reason, status: .ok)
        } catch {
            return APIReply.message("500 Internal Server Error", status: .internalServerError)
        }
    }

    /// `POST /api/v1/hooks/git?project=ID` from the post-receive hook the server installed: with the project's hook
    /// token (`X-Slipway-Hook-Token`), the project is looked at now. A wrong token and an unknown project: 401 alike.
    func pushHook(_ request: Request) async -> Response {
        do {
            guard let key = request.uri.queryParameters["project"], let project = try project(String(key)), let projectId = project.id,
                let expected = project.hookTokenHash, let token = Self.header("X-Slipway-Hook-Token", request.headers),
                TokenAuthority.sameBytes(TokenAuthority.hash(token).utf8, expected.utf8)
            else { return APIReply.unauthorized }
            poller.lookNow(at: projectId)
            return APIReply.message("looking at \(project.name)", status: .accepted)
        } catch {
            return APIReply.message("500 Internal Server Error", status: .internalServerError)
        }
    }

    /// The queued event (nil for a ping) and whether it is new.
    private func accept(_ provider: WebhookProvider, _ request: Request) async throws -> (EventRow?, Bool) {
        let buffer: ByteBuffer
        do { buffer = try await request.body.collect(upTo: Self.webhookLimit) } catch { throw WebhookProblem.tooLarge }
        let body = Data(buffer.readableBytesView)
        guard let proof = Self.header(provider.proofHeader, request.headers) else { throw WebhookProblem.unauthenticated }
        guard let eventName = Self.header(provider.eventHeader, request.headers), !eventName.isEmpty else {
            throw WebhookProblem.badRequest("missing \(provider.eventHeader)")
        }
        let payload = try WebhookPayload(provider: provider, body: body, contentType: request.headers[.contentType])
        let project = try authenticatedProject(
            provider, proof: proof, body: body, payload: payload, query: request.uri.queryParameters["project"])
        guard let project, let projectId = project.id else { throw WebhookProblem.unauthenticated }
        let intent = try payload.intent(event: eventName)
        let deliveryId = try Self.deliveryId(provider, request.headers, body: body)
        switch intent {
        case .ping: return (nil, false)
        case .nothing(let reason): throw WebhookIgnored(reason: reason)
        case .run(let event, let action, let ref, let sha, let baseRef):
            let json = String(decoding: payload.jsonBody, as: UTF8.self)
            let row = EventRow(
                projectId: projectId, source: provider.rawValue, deliveryId: deliveryId, event: event, action: action, ref: ref, sha: sha,
                baseRef: baseRef, payload: json, createdAt: Date().timeIntervalSince1970)
            let (queued, isNew) = try store.enqueue(row)
            return (queued, isNew)
        }
    }

    /// The project whose webhook secret proves the delivery: the one `?project=` names, else those whose repository
    /// the payload names. Nil when none does (an unknown project and a wrong secret look alike).
    private func authenticatedProject(
        _ provider: WebhookProvider, proof: String, body: Data, payload: WebhookPayload, query: Substring?
    ) throws -> ProjectRow? {
        let candidates: [ProjectRow]
        if let query {
            candidates = try project(String(query)).map { [$0] } ?? []
        } else {
            let names = Set(payload.repositoryNames.map(Self.normalized))
            candidates = try store.projects().filter { project in
                let repository = Self.normalized(project.repository)
                return names.contains(repository) || names.contains { !$0.contains(":") && repository.hasSuffix("/" + $0) }
            }
        }
        for candidate in candidates {
            guard let sealed = candidate.webhookSecret else { continue }
            let secret = try secrets.open(sealed)
            if provider.verifies(proof, body: body, secret: secret) { return candidate }
        }
        return nil
    }

    static func header(_ name: String, _ headers: HTTPFields) -> String? {
        HTTPField.Name(name).flatMap { headers[$0] }
    }

    /// A repository URL or name compared loosely: no trailing `/` or `.git`, lower case.
    static func normalized(_ repository: String) -> String {
        var text = repository.lowercased()
        while text.hasSuffix("/") { text.removeLast() }
        if text.hasSuffix(".git") { text.removeLast(4) }
        return text
    }

    /// The delivery's id: GitHub's and Gitea's delivery GUID; GitLab's idempotency key or event UUID (else the body's
    /// digest, so that the same body is still one delivery).
    static func deliveryId(_ provider: WebhookProvider, _ headers: HTTPFields, body: Data) throws -> String {
        let names: [String] =
            switch provider {
            case .github: ["X-GitHub-Delivery"]
            case .gitea: ["X-Gitea-Delivery"]
            case .gitlab: ["Idempotency-Key", "X-Gitlab-Event-UUID"]
            }
        for name in names {
            if let value = header(name, headers), !value.isEmpty, value.count <= 200 { return value }
        }
        if provider == .gitlab { return "sha256:" + SHA256.hash(data: body).map { String(format: "%02x", $0) }.joined() }
        throw WebhookProblem.badRequest("missing \(names[0])")
    }
}

/// The answer to an accepted delivery.
struct WebhookAnswer: Encodable {
    var deliveryId: Int64
    var duplicate: Bool
}

/// A delivery that is authentic but asks for nothing to run.
struct WebhookIgnored: Error {
    var reason: String
}
