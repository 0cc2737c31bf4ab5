import Foundation
import Hummingbird
import Store

extension ServerAPI {
    /// `GET /api/v1/runs` (filters `project`, `delivery`, `conclusion`, `workflow`; paging `before` and `limit`, newest
    /// first), `GET /api/v1/runs/:id` with its jobs and steps, `GET /api/v1/runs/:id/logs` (masked, as recorded; `job=` a job's id or name).
    func addRunRoutes(to router: Router<BasicRequestContext>) {
        let api = self
        router.get("/api/v1/runs") { request, _ in
            try await api.authorized(request, .viewer, .read) { _ in
                let query = request.uri.queryParameters
                var filter = RunFilter(
                    projectId: query["project"].flatMap { Int64(String($0)) }, eventId: query["delivery"].flatMap { Int64(String($0)) },
                    result: query["conclusion"].map(String.init), workflowPath: query["workflow"].map(String.init),
                    beforeId: query["before"].flatMap { Int64(String($0)) })
                filter.serverOnly = true
                return APIReply.json(try api.store.runs(filter: filter, limit: Self.pageLimit(request)).map { RunJSON($0) })
            }
        }
        router.get("/api/v1/runs/:id") { request, context in
            try await api.authorized(request, .viewer, .read) { _ in
                guard let run = try api.serverRun(context.parameters.get("id")), let id = run.id else { return APIReply.notFound }
                return APIReply.json(RunJSON(run, jobs: try api.store.runs.jobs(ofRun: id)))
            }
        }
        router.get("/api/v1/runs/:id/logs") { request, context in
            try await api.authorized(request, .viewer, .read) { _ in
                guard let run = try api.serverRun(context.parameters.get("id")), let id = run.id else { return APIReply.notFound }
                // Live: the lines of the delivery that started the run, as they are printed (resumable with Last-Event-ID).
                if request.headers[.accept]?.contains("text/event-stream") == true, let delivery = run.eventId {
                    let last =
                        Self.header("Last-Event-ID", request.headers).flatMap { Int64($0.trimmingCharacters(in: .whitespaces)) } ?? 0
                    return api.eventStream(delivery: delivery, after: last, jobs: await api.jobFilter(of: run, id: id))
                }
                var jobs = try api.store.runs.jobs(ofRun: id)
                if let job = request.uri.queryParameters["job"].map(String.init) {
                    jobs = jobs.filter { $0.jobId == job || $0.name == job || $0.name.hasPrefix(job + " (") }
                    guard !jobs.isEmpty else { throw APIFailure(.notFound, "run \(id) has no job '\(job)'") }
                }
                return APIReply.text(jobs.map { "=== \($0.name) (\($0.result))\n\($0.log)\n" }.joined())
            }
        }
    }

    /// Which lines of its delivery's live log are the run's: a delivery runs every workflow the event starts (and
    /// those their `workflow_run` starts), each line naming its job as the job reports itself — its name, or for a
    /// matrix instance `name (values…)`. Nil (every line) when the run's jobs are not known.
    func jobFilter(of run: RunStore.Run, id: Int64) async -> (@Sendable (String) -> Bool)? {
        guard run.gitlabState == nil else { return nil }
        let recorded = (try? store.runs.jobs(ofRun: id)) ?? []
        let labels = Set(await jobNodes(run, jobs: recorded, progress: [:]).map(\.label) + recorded.map(\.name))
        guard !labels.isEmpty else { return nil }
        return { job in labels.contains(job) || labels.contains { job.hasPrefix($0 + " (") } }
    }

    /// A run the server started (runs of `slipway run` in the same file are not the API's).
    func serverRun(_ key: String?) throws -> RunStore.Run? {
        guard let id = key.flatMap(Int64.init), let run = try store.runs.run(id), run.projectId != nil else { return nil }
        return run
    }
}
