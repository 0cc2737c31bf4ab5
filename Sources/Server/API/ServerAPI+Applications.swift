import Delivery
import Foundation
import GitOps
import Hummingbird
import Releases
import Store

extension ServerAPI {
    /// The projects' applications: `GET /api/v1/applications` (each with its newest sync, health, release in progress
    /// and holds), `GET /api/v1/applications/:name` (with its sync history), `POST /api/v1/applications/:name/sync`
    /// (developers, write scope), `GET /api/v1/applications/:name/holds` (`?all=true` adds lifted holds),
    /// `DELETE /api/v1/applications/:name/holds/:revision` (`{"reason"}`; approvers, write scope), and
    /// `GET /api/v1/projects/:id/applications` (what the project's `slipway.yaml` declares and its problems).
    func addApplicationRoutes(to router: Router<BasicRequestContext>) {
        let api = self
        router.get("/api/v1/applications") { request, _ in
            try await api.authorized(request, .viewer, .read) { _ in
                var list: [ApplicationJSON] = []
                for (project, application) in await api.declaredApplications() {
                    list.append(try await api.describe(application, of: project, withHistory: false))
                }
                return APIReply.json(list)
            }
        }
        router.get("/api/v1/applications/:application") { request, context in
            try await api.authorized(request, .viewer, .read) { _ in
                let (project, application) = try await api.declared(context.parameters.get("application"))
                return APIReply.json(try await api.describe(application, of: project, withHistory: true))
            }
        }
        router.post("/api/v1/applications/:application/sync") { request, context in
            try await api.authorized(request, .developer, .write) { _ in
                let (_, application) = try await api.declared(context.parameters.get("application"))
                guard let stack = await api.supervisor.stack else {
                    throw APIFailure(.conflict, await api.supervisor.stackProblem ?? "the controllers are not running")
                }
                do {
                    return APIReply.json(SyncJSON(try await stack.engine.sync(application, trigger: .manual)))
                } catch {
                    throw APIFailure(.unprocessableContent, "the sync failed: \(error)")
                }
            }
        }
        router.get("/api/v1/applications/:application/holds") { request, context in
            try await api.authorized(request, .viewer, .read) { _ in
                let (_, application) = try await api.declared(context.parameters.get("application"))
                let all = request.uri.queryParameters["all"].map { $0 == "true" || $0 == "1" } ?? false
                return APIReply.json(try api.releases.holds(application: application.name, includeRemoved: all).map(HoldJSON.init))
            }
        }
        router.delete("/api/v1/applications/:application/holds/:revision") { request, context in
            try await api.authorized(request, .approver, .write) { principal in
                // A declared application, or one synced by another process sharing the delivery store (its holds are
                // read from there): lifting it here is what that process honours.
                let name: String
                if let (_, application) = await api.supervisor.application(named: context.parameters.get("application") ?? "") {
                    name = application.name
                } else if let other = context.parameters.get("application"), !(try api.releases.holds(application: other).isEmpty) {
                    name = other
                } else {
                    return APIReply.notFound
                }
                let body = try await APIReply.decode(LiftHoldBody.self, from: request)
                guard !body.reason.trimmingCharacters(in: .whitespaces).isEmpty else {
                    throw APIFailure(.badRequest, "'reason' must say why the hold is lifted")
                }
                guard let revision = context.parameters.get("revision"),
                    let lifted = try api.releases.removeHold(
                        application: name, revision: revision, by: principal.userName, reason: body.reason)
                else { return APIReply.notFound }
                return APIReply.json(HoldJSON(lifted))
            }
        }
        router.get("/api/v1/projects/:id/applications") { request, context in
            try await api.authorized(request, .viewer, .read) { _ in
                guard let project = try api.project(context.parameters.get("id")), let id = project.id else { return APIReply.notFound }
                let declared =
                    await api.supervisor.declared[id]
                    ?? ApplicationSupervisor.Declared(
                        projectId: id, projectName: project.name, revision: nil, applications: [], problems: [])
                return APIReply.json(ProjectApplicationsJSON(declared))
            }
        }
    }

    /// Every application that runs, with the project declaring it, in project order.
    func declaredApplications() async -> [(ApplicationSupervisor.Declared, GitOps.Application)] {
        await supervisor.declared.values.sorted { $0.projectId < $1.projectId }.flatMap { project in
            project.applications.map { (project, $0) }
        }
    }

    /// The application a route names; a 404 when no project declares it.
    func declared(_ name: String?) async throws(APIFailure) -> (ApplicationSupervisor.Declared, GitOps.Application) {
        guard let name, let found = await supervisor.application(named: name) else { throw APIFailure(.notFound, "404 Not Found") }
        return found
    }

    /// The application's git state against the target, now; nil while no controllers run.
    func compare(_ application: GitOps.Application) async -> Result<Comparison, any Error>? {
        guard let stack = await supervisor.stack else { return nil }
        do { return .success(try await stack.engine.compare(application)) } catch { return .failure(error) }
    }

    /// The application as the API shows it, compared with the target now unless the caller did (`comparison`).
    func describe(
        _ application: GitOps.Application, of project: ApplicationSupervisor.Declared, withHistory: Bool,
        comparison compared: Result<Comparison, any Error>?? = nil
    ) async throws -> ApplicationJSON {
        let controllers = await supervisor.stack == nil ? (await supervisor.stackProblem ?? "starting") : "running"
        let comparison: Result<Comparison, any Error>?
        if let compared { comparison = compared } else { comparison = await compare(application) }
        return ApplicationJSON(
            application, project: project, controllers: controllers, comparison: comparison,
            syncs: try releases.syncs(application: application.name, limit: withHistory ? 50 : 1),
            release: try releases.active(application.name), holds: try releases.holds(application: application.name),
            withHistory: withHistory)
    }
}
