import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Store

/// GitLab's pipeline trigger API, so that `curl --form token=… --form ref=main --form "variables[K]=v"
/// https://HOST/api/v4/projects/ID/trigger/pipeline` works against Slipway: the trigger endpoints (form, multipart or
/// JSON; `:id` numeric or the URL-encoded path, whose last part is the project's name) and the trigger tokens'
/// endpoints (a Slipway token in `PRIVATE-TOKEN`). An unknown token, an unknown project and another project's token
/// all get GitLab's `404 Not Found`.
extension ServerAPI {
    func addGitLabTriggerRoutes(to router: Router<BasicRequestContext>) {
        let api = self
        router.post("/api/v4/projects/:id/trigger/pipeline") { request, context in
            await api.trigger(request, projectKey: context.parameters.get("id"), pathRef: nil)
        }
        router.post("/api/v4/projects/:id/ref/:ref/trigger/pipeline") { request, context in
            await api.trigger(request, projectKey: context.parameters.get("id"), pathRef: context.parameters.get("ref"))
        }
        router.get("/api/v4/projects/:id/triggers") { request, context in
            try await api.gitLabAuthorized(request, .developer, .read, project: context.parameters.get("id")) { _, project in
                let projectId = project.id ?? 0
                let rows = try api.store.triggerTokens(projectId: projectId)
                return APIReply.json(try rows.map { TriggerJSON(row: $0, token: $0.prefix, owner: try api.owner($0.ownerId)) })
            }
        }
        router.post("/api/v4/projects/:id/triggers") { request, context in
            try await api.gitLabAuthorized(request, .developer, .write, project: context.parameters.get("id")) { principal, project in
                // Read only once the caller is known.
                let body = try await request.body.collect(upTo: 1 << 20)
                let fields = FormFields(
                    body: Data(body.readableBytesView), contentType: request.headers[.contentType], query: Self.query(request))
                guard let description = fields.first("description"), !description.isEmpty else {
                    return APIReply.json(["error": "description is missing"], status: .badRequest)
                }
                let token = "glptt-" + TokenAuthority.randomHex(bytes: 20)
                let row = try api.store.addTriggerToken(
                    TriggerTokenRow(
                        projectId: project.id ?? 0, ownerId: principal.userId, description: description, hash: TokenAuthority.hash(token),
                        prefix: String(token.prefix(10)), createdAt: Date().timeIntervalSince1970))
                return APIReply.json(TriggerJSON(row: row, token: token, owner: try api.owner(principal.userId)), status: .created)
            }
        }
        router.delete("/api/v4/projects/:id/triggers/:trigger") { request, context in
            try await api.gitLabAuthorized(request, .developer, .write, project: context.parameters.get("id")) { _, project in
                guard let id = context.parameters.get("trigger").flatMap(Int64.init),
                    try api.store.deleteTriggerToken(id, projectId: project.id ?? 0)
                else { return APIReply.notFound }
                return Response(status: .noContent)
            }
        }
        router.get("/api/v4/projects/:id/pipelines/:pipeline/jobs") { request, context in
            try await api.gitLabAuthorized(request, .viewer, .read, project: context.parameters.get("id")) { _, project in
                guard let id = context.parameters.get("pipeline").flatMap(Int64.init),
                    let row = try api.store.pipeline(id: id, projectId: project.id ?? 0)
                else { return APIReply.notFound }
                return APIReply.json(try api.pipelineJobs(row, project: project, request: request))
            }
        }
        router.post("/api/v4/projects/:id/jobs/:job/play") { request, context in
            try await api.gitLabAuthorized(request, .developer, .write, project: context.parameters.get("id")) { principal, project in
                guard let jobId = context.parameters.get("job").flatMap(Int64.init), jobId > 1000,
                    let row = try api.store.pipeline(id: jobId / 1000, projectId: project.id ?? 0),
                    let job = try api.pipelineJobs(row, project: project, request: request).first(where: { $0.id == jobId })
                else { return APIReply.notFound }
                guard job.status == "manual", row.status != "running" else {
                    return APIReply.json(["message": "400 Bad request - Unplayable Job"], status: .badRequest)
                }
                try api.enqueuePipelineAction(row, ["action": "play", "job": job.name, "user": principal.userName])
                try api.store.updatePipeline(row.id ?? 0, status: "pending")
                var played = job
                played.status = "pending"
                return APIReply.json(played)
            }
        }
        router.post("/api/v4/projects/:id/jobs/:job/retry") { request, context in
            try await api.gitLabAuthorized(request, .developer, .write, project: context.parameters.get("id")) { principal, project in
                guard let jobId = context.parameters.get("job").flatMap(Int64.init), jobId > 1000,
                    let row = try api.store.pipeline(id: jobId / 1000, projectId: project.id ?? 0),
                    let job = try api.pipelineJobs(row, project: project, request: request).first(where: { $0.id == jobId })
                else { return APIReply.notFound }
                guard ["failed", "canceled"].contains(job.status), !["running", "pending"].contains(row.status) else {
                    return APIReply.json(["message": "403 Forbidden - Job is not retryable"], status: .forbidden)
                }
                try api.enqueuePipelineAction(row, ["action": "retry", "job": job.name, "user": principal.userName])
                try api.store.updatePipeline(row.id ?? 0, status: "pending")
                var retried = job
                retried.status = "pending"
                return APIReply.json(retried, status: .created)
            }
        }
        router.post("/api/v4/projects/:id/pipelines/:pipeline/retry") { request, context in
            try await api.gitLabAuthorized(request, .developer, .write, project: context.parameters.get("id")) { principal, project in
                guard let id = context.parameters.get("pipeline").flatMap(Int64.init),
                    let row = try api.store.pipeline(id: id, projectId: project.id ?? 0)
                else { return APIReply.notFound }
                let jobs = try api.pipelineJobs(row, project: project, request: request)
                guard ["failed", "canceled", "success", "manual"].contains(row.status),
                    jobs.contains(where: { $0.status == "failed" || $0.status == "canceled" })
                else { return APIReply.json(["message": "400 Bad request - Pipeline cannot be retried"], status: .badRequest) }
                try api.enqueuePipelineAction(row, ["action": "retry", "user": principal.userName])
                try api.store.updatePipeline(id, status: "pending")
                return APIReply.json(
                    PipelineJSON(row: try api.store.pipeline(id: id) ?? row, webURL: api.webURL(request, project, row), user: nil),
                    status: .created)
            }
        }
        router.post("/api/v4/projects/:id/pipelines/:pipeline/cancel") { request, context in
            try await api.gitLabAuthorized(request, .developer, .write, project: context.parameters.get("id")) { principal, project in
                guard let id = context.parameters.get("pipeline").flatMap(Int64.init),
                    let row = try api.store.pipeline(id: id, projectId: project.id ?? 0)
                else { return APIReply.notFound }
                // A running pipeline is stopped where it runs; one waiting on manual jobs goes on to cancel them.
                let stopped = await api.worker.runningPipelines.cancel(id)
                if !stopped, ["manual", "created", "scheduled"].contains(row.status), row.runId != nil {
                    try api.enqueuePipelineAction(row, ["action": "cancel", "user": principal.userName])
                } else if !stopped, !["success", "failed", "canceled", "skipped"].contains(row.status) {
                    return APIReply.json(["message": "400 Bad request - Pipeline cannot be canceled yet"], status: .badRequest)
                }
                return APIReply.json(
                    PipelineJSON(row: try api.store.pipeline(id: id) ?? row, webURL: api.webURL(request, project, row), user: nil))
            }
        }
        router.get("/api/v4/projects/:id/pipelines") { request, context in
            try await api.gitLabAuthorized(request, .viewer, .read, project: context.parameters.get("id")) { _, project in
                let query = request.uri.queryParameters
                let perPage = query["per_page"].flatMap { Int(String($0)) } ?? 20
                guard (1...100).contains(perPage) else {
                    return APIReply.json(["error": "per_page does not have a valid value"], status: .badRequest)
                }
                let rows = try api.store.pipelines(
                    projectId: project.id ?? 0, source: query["source"].map(String.init), status: query["status"].map(String.init),
                    ref: query["ref"].map(String.init), limit: perPage)
                return APIReply.json(rows.map { PipelineJSON(row: $0, webURL: api.webURL(request, project, $0), user: nil) })
            }
        }
        router.get("/api/v4/projects/:id/pipelines/:pipeline") { request, context in
            try await api.gitLabAuthorized(request, .viewer, .read, project: context.parameters.get("id")) { _, project in
                guard let id = context.parameters.get("pipeline").flatMap(Int64.init),
                    let row = try api.store.pipeline(id: id, projectId: project.id ?? 0)
                else { return APIReply.notFound }
                return APIReply.json(PipelineJSON(row: row, webURL: api.webURL(request, project, row), user: nil))
            }
        }
    }

    /// A project named by GitLab's `:id`: a number, or a URL-encoded path whose last part is the project's name.
    func gitLabProject(_ key: String?) throws -> ProjectRow? {
        guard let decoded = key?.removingPercentEncoding, !decoded.isEmpty else { return nil }
        if let id = Int64(decoded) { return try store.project(id: id) }
        return try store.project(named: String(decoded.split(separator: "/").last ?? Substring(decoded)))
    }

    /// GitLab's way: `PRIVATE-TOKEN` (or a bearer token; or the web UI's session, as everywhere); 401 without a valid
    /// one, 404 for a project that does not exist, 403 without the rights.
    func gitLabAuthorized(
        _ request: Request, _ role: Role, _ scope: TokenScope, project key: String?,
        _ body: (Principal, ProjectRow) async throws -> Response
    ) async throws -> Response {
        let found: Principal?
        if let header = Self.header("PRIVATE-TOKEN", request.headers) ?? request.headers[.authorization] {
            found = try tokens.principal(bearer: header)
        } else {
            found = try principal(request)
        }
        guard let principal = found else { return APIReply.unauthorized }
        guard let project = try gitLabProject(key) else { return APIReply.notFound }
        guard principal.allows(role, scope) else { return APIReply.forbidden }
        return try await body(principal, project)
    }

    func owner(_ userId: Int64) throws -> [String: AnyJSON]? {
        guard let user = try store.user(id: userId) else { return nil }
        return ["id": .number(Double(userId)), "username": .string(user.name), "name": .string(user.name)]
    }

    func webURL(_ request: Request, _ project: ProjectRow, _ pipeline: PipelineRow) -> String {
        let host = request.head.authority ?? "127.0.0.1"
        return "http://\(host)/\(project.name)/-/pipelines/\(pipeline.id ?? 0)"
    }

    static func query(_ request: Request) -> [(String, String)] {
        request.uri.queryParameters.map { (String($0.key), String($0.value)) }
    }

    func trigger(_ request: Request, projectKey: String?, pathRef: String?) async -> Response {
        do {
            let buffer: ByteBuffer
            do { buffer = try await request.body.collect(upTo: Self.webhookLimit) } catch {
                return APIReply.message("413 Request Entity Too Large", status: .contentTooLarge)
            }
            let body = Data(buffer.readableBytesView)
            // The webhook form: the body is the payload, not fields.
            let fields =
                pathRef == nil
                ? FormFields(body: body, contentType: request.headers[.contentType], query: Self.query(request))
                : FormFields(body: Data(), contentType: nil, query: Self.query(request))
            guard let token = fields.first("token"), !token.isEmpty else {
                return APIReply.json(["error": "token is missing"], status: .badRequest)
            }
            guard let ref = pathRef?.removingPercentEncoding ?? fields.first("ref"), !ref.isEmpty else {
                return APIReply.json(["error": "ref is missing"], status: .badRequest)
            }
            if fields.hasMalformedVariables { return APIReply.json(["error": "variables is invalid"], status: .badRequest) }
            guard let project = try gitLabProject(projectKey), let projectId = project.id,
                let trigger = try store.triggerToken(hash: TokenAuthority.hash(token), projectId: projectId)
            else { return APIReply.notFound }
            guard let resolved = try await worker.mirrors.resolve(project, ref: ref) else {
                return APIReply.json(["message": ["base": ["Reference not found"]]], status: .badRequest)
            }
            let variables = try JSONSerialization.data(withJSONObject: fields.variables, options: [.sortedKeys])
            // GitLab's TRIGGER_PAYLOAD: the request's parameters without the token (the webhook form: its body).
            var parameters: [String: Any] = ["ref": ref, "id": projectKey?.removingPercentEncoding ?? ""]
            if !fields.variables.isEmpty { parameters["variables"] = fields.variables }
            let payload =
                pathRef == nil
                ? String(
                    decoding: try JSONSerialization.data(withJSONObject: parameters, options: [.sortedKeys, .withoutEscapingSlashes]),
                    as: UTF8.self)
                : String(decoding: body, as: UTF8.self)
            let row = try store.addPipeline(
                PipelineRow(
                    projectId: projectId, ref: ref, sha: resolved.sha, tag: resolved.isTag, status: "created", source: "trigger",
                    variables: String(decoding: variables, as: UTF8.self), triggerPayload: payload, triggerId: trigger.id,
                    createdAt: Date().timeIntervalSince1970))
            // The pipeline runs from the durable queue, like any delivery: accepted, it is never lost.
            let event = EventRow(
                projectId: projectId, source: "trigger", deliveryId: "pipeline-\(row.id ?? 0)", event: EventWorker.triggerEvent,
                ref: resolved.isTag ? "refs/tags/\(ref)" : "refs/heads/\(ref)", sha: resolved.sha,
                payload: "{\"pipeline_id\": \(row.id ?? 0)}", createdAt: Date().timeIntervalSince1970)
            if try store.enqueue(event).isNew { worker.wake() }
            return APIReply.json(
                PipelineJSON(row: row, webURL: webURL(request, project, row), user: try owner(trigger.ownerId)), status: .created)
        } catch {
            return APIReply.message("500 Internal Server Error", status: .internalServerError)
        }
    }

    /// A pipeline's jobs as GitLab's API lists them, from the pipeline's run (none before it started).
    func pipelineJobs(_ row: PipelineRow, project: ProjectRow, request: Request) throws -> [PipelineJobJSON] {
        guard let runId = row.runId else { return [] }
        let host = request.head.authority ?? "127.0.0.1"
        return try store.runs.jobs(ofRun: runId).enumerated().map { index, job in
            let id = (row.id ?? 0) * 1000 + Int64(index) + 1
            return PipelineJobJSON(
                id: id, name: job.name, status: job.result, ref: row.ref, failureReason: job.failureReason,
                duration: job.duration, webURL: "http://\(host)/\(project.name)/-/jobs/\(id)", pipelineId: row.id ?? 0)
        }
    }

    /// Queues play, retry or cancel of a recorded pipeline: it goes on from the durable queue at its commit.
    func enqueuePipelineAction(_ row: PipelineRow, _ payload: [String: String]) throws {
        var fields: [String: Any] = payload
        fields["pipeline_id"] = row.id ?? 0
        let event = EventRow(
            projectId: row.projectId, source: "pipeline-action",
            deliveryId: "\(payload["action"] ?? "action")-\(row.id ?? 0)-\(UUID().uuidString)",
            event: EventWorker.pipelineActionEvent, ref: row.tag ? "refs/tags/\(row.ref)" : "refs/heads/\(row.ref)", sha: row.sha,
            payload: String(decoding: try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]), as: UTF8.self),
            createdAt: Date().timeIntervalSince1970)
        if try store.enqueue(event).isNew { worker.wake() }
    }
}
