import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Runner
import Store

extension ServerAPI {
    /// The largest artifact archive a runner may upload for one job.
    static let runnerArtifactLimit = 1 << 30

    /// Runners: registered by an admin (`/api/v1/runners`, the token shown once), and the runner's own API
    /// (`/api/v1/runner/…`, its token as `Authorization: Bearer`): take a job (held open until one matches or the wait
    /// ends), beat, send log lines, fetch and upload artifacts, report the result. A job is answered only to the runner
    /// that took it; anything else is 404.
    func addRunnerRoutes(to router: Router<BasicRequestContext>) {
        let api = self
        router.get("/api/v1/runners") { request, _ in
            try await api.authorized(request, .admin, .admin) { _ in APIReply.json(try api.store.runners().map { RunnerJSON($0) }) }
        }
        router.post("/api/v1/runners") { request, _ in
            try await api.authorized(request, .admin, .admin) { principal in
                let body = try await APIReply.decode(NewRunner.self, from: request)
                let name = body.name.trimmingCharacters(in: .whitespaces)
                guard !name.isEmpty, name.count <= 100, name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
                    return APIFailure(.badRequest, "'name' must be 1 to 100 letters, digits, '-', '_' or '.'").response
                }
                let token = "slr_" + TokenAuthority.randomHex(bytes: 32)
                let row = RunnerRow(
                    name: name, hash: TokenAuthority.hash(token), prefix: String(token.prefix(10)), createdAt: Date().timeIntervalSince1970,
                    createdBy: principal.userName)
                do {
                    return APIReply.json(RunnerJSON(try api.store.addRunner(row), token: token), status: .created)
                } catch ServerStoreError.nameTaken {
                    return APIFailure(.conflict, "a runner named '\(name)' exists").response
                }
            }
        }
        router.delete("/api/v1/runners/:id") { request, context in
            try await api.authorized(request, .admin, .admin) { _ in
                guard let id = context.parameters.get("id").flatMap(Int64.init), try api.store.deleteRunner(id) else {
                    return APIReply.notFound
                }
                return Response(status: .noContent)
            }
        }
        // Literal paths (RunnerProtocol.basePath is "/api/v1/runner"): the OpenAPI test reads the routes from the sources.
        router.post("/api/v1/runner/jobs/request") { request, _ in
            try await api.runnerAuthorized(request) { runner in try await api.assignJob(to: runner, request) }
        }
        router.post("/api/v1/runner/jobs/:id/heartbeat") { request, context in
            try await api.runnerAuthorized(request) { runner in
                guard let id = context.parameters.get("id").flatMap(Int64.init), let runnerId = runner.id,
                    let state = try api.store.beatRunnerJob(id, runnerId: runnerId)
                else { return APIReply.notFound }
                if state == .cancelled { api.runnerJobs.announce() }
                return Self.runnerReply(RunnerProtocol.JobState(state: state.rawValue))
            }
        }
        router.post("/api/v1/runner/jobs/:id/log") { request, context in
            try await api.runnerAuthorized(request) { runner in
                let lines = try await Self.runnerBody(RunnerProtocol.LogLines.self, request)
                guard let id = context.parameters.get("id").flatMap(Int64.init), let runnerId = runner.id,
                    let state = try api.store.appendRunnerJobLines(id, runnerId: runnerId, lines: lines.lines)
                else { return APIReply.notFound }
                api.runnerJobs.announce()
                return Self.runnerReply(RunnerProtocol.JobState(state: state.rawValue))
            }
        }
        router.get("/api/v1/runner/jobs/:id/artifacts") { request, context in
            try await api.runnerAuthorized(request) { runner in
                guard let id = context.parameters.get("id").flatMap(Int64.init), let job = try api.store.runnerJob(id: id),
                    job.runnerId == runner.id, job.state == .running
                else { return APIReply.notFound }
                guard let inputs = job.inputs else { return Response(status: .noContent) }
                return Response(
                    status: .ok, headers: [.contentType: "application/x-tar"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: inputs)))
            }
        }
        router.put("/api/v1/runner/jobs/:id/artifacts") { request, context in
            try await api.runnerAuthorized(request) { runner in
                let body: ByteBuffer
                do { body = try await request.body.collect(upTo: Self.runnerArtifactLimit) } catch {
                    return APIFailure(.contentTooLarge, "the artifacts are over \(Self.runnerArtifactLimit) bytes").response
                }
                guard let id = context.parameters.get("id").flatMap(Int64.init), let runnerId = runner.id,
                    try api.store.setRunnerJobOutputs(id, runnerId: runnerId, archive: Array(body.readableBytesView))
                else { return APIReply.notFound }
                return Response(status: .noContent)
            }
        }
        router.post("/api/v1/runner/jobs/:id/result") { request, context in
            try await api.runnerAuthorized(request) { runner in
                let result = try await Self.runnerBody(RunnerProtocol.Result.self, request, limit: 64 << 20)
                let text = String(decoding: try RunnerProtocol.encoder.encode(result), as: UTF8.self)
                guard let id = context.parameters.get("id").flatMap(Int64.init), let runnerId = runner.id,
                    let state = try api.store.finishRunnerJob(id, runnerId: runnerId, result: text)
                else { return APIReply.notFound }
                api.runnerJobs.announce()
                return Self.runnerReply(RunnerProtocol.JobState(state: state.rawValue))
            }
        }
    }

    /// Runs `body` for the runner whose token the request carries; 401 for anything else, saying nothing more.
    func runnerAuthorized(_ request: Request, _ body: (RunnerRow) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer slr_"),
            let runner = try store.runner(hash: TokenAuthority.hash(String(header.dropFirst("Bearer ".count))))
        else { return APIReply.unauthorized }
        do { return try await body(runner) } catch let failure as APIFailure { return failure.response }
    }

    /// Gives the runner the oldest queued job its labels (and every runner's implicit ones) cover, waiting up to the
    /// asked time (at most 60 s) for one to be queued; 204 when none came.
    func assignJob(to runner: RunnerRow, _ request: Request) async throws -> Response {
        let asked = try await Self.runnerBody(RunnerProtocol.JobRequest.self, request)
        let labels = Set((asked.labels + RemoteJobSpec.implicitLabels).map { $0.lowercased() })
        let deadline = ContinuousClock.now + .milliseconds(Int64(min(max(asked.waitSeconds, 0), 60) * 1000))
        while true {
            let seen = runnerJobs.changes.value
            if runnerJobs.isStopping { return Response(status: .noContent) }
            if let job = try store.claimRunnerJob(runner: runner, labels: labels), let id = job.id {
                runnerJobs.announce()
                do {
                    let text = try secrets.open(job.spec)
                    let spec = try RunnerProtocol.decoder.decode(RemoteJobSpec.self, from: Data(text.utf8))
                    return Self.runnerReply(
                        RunnerProtocol.AssignedJob(
                            id: id, spec: spec, runnerName: runner.name, heartbeatSeconds: runnerJobs.heartbeatSeconds))
                } catch {
                    _ = try store.endRunnerJob(
                        id, .cancel, reason: "the job cannot be opened with this server's key; replicas must share it")
                    continue
                }
            }
            let left = deadline - ContinuousClock.now
            if left <= .zero || Task.isCancelled { return Response(status: .noContent) }
            // Woken by a job queued here or on another replica; looked at again every 2 s in case a notice was lost.
            _ = await runnerJobs.changes.wait(beyond: seen, atMost: min(left, .seconds(2)))
        }
    }

    static func runnerBody<T: Decodable>(_ type: T.Type, _ request: Request, limit: Int = 4 << 20) async throws(APIFailure) -> T {
        let buffer: ByteBuffer
        do { buffer = try await request.body.collect(upTo: limit) } catch {
            throw APIFailure(.contentTooLarge, "the body is over \(limit) bytes")
        }
        do { return try RunnerProtocol.decoder.decode(T.self, from: Data(buffer.readableBytesView)) } catch {
            throw APIFailure(.badRequest, "the body is not the JSON expected: \(APIFailure.describe(error))")
        }
    }

    static func runnerReply(_ value: some Encodable) -> Response {
        let data = (try? RunnerProtocol.encoder.encode(value)) ?? Data("{}".utf8)
        return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
