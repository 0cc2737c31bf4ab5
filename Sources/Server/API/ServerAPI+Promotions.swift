import Core
import Delivery
import Foundation
import GitOps
import Hummingbird
import Releases
import Store
import Workflows

extension ServerAPI {
    /// `POST /api/v1/projects/:id/promotions` with `{"application", "to", "from"?, "release"?}` (approvers, write
    /// scope): `slipway promote` on the server, from the project's `slipway.yaml` at its default branch. The promotion
    /// is checked at once (a release that did not succeed is refused with 409 and why), recorded as a run of the project
    /// and answered 202 with that run's id; it then waits for the target environment's reviewers (reviewed through the
    /// run's pending deployments) and commits the digests.
    func addPromotionRoutes(to router: Router<BasicRequestContext>) {
        let api = self
        router.post("/api/v1/projects/:id/promotions") { request, context in
            try await api.authorized(request, .approver, .write) { principal in
                guard let project = try api.project(context.parameters.get("id")), let projectId = project.id else {
                    return APIReply.notFound
                }
                let body = try await APIReply.decode(PromotionBody.self, from: request, limit: 64 << 10)
                let (applications, environments, file) = try await api.configuration(of: project)
                var promotion = PromotionRequest(
                    repositoryRoot: "", application: body.application, target: body.to, actor: principal.userName)
                promotion.source = body.from
                promotion.releaseId = body.release
                let promoter = Promoter(records: api.releases)
                let plan: Promoter.Plan
                do { plan = try promoter.plan(promotion, applications: applications, environments: environments, file: file) } catch {
                    throw APIFailure(.conflict, "\(error)")
                }
                let runs = api.store.runs
                let runId = try promoter.begin(plan, runs: runs, projectId: projectId)
                // The promotion outlives the request: it may wait days for its reviewers. A server stopped meanwhile
                // leaves its run to be ended, with the reason, at the next start.
                Task {
                    _ = try? await promoter.carryOut(plan, runId: runId, runs: runs, reviews: RunStoreDeploymentReviews { runs }) { _ in }
                }
                return APIReply.json(
                    PromotionJSON(
                        runId: runId, sourceRelease: plan.release.id, sourceApplication: plan.source.name,
                        targetApplication: plan.target.name, digests: plan.release.verifiedDigests), status: .accepted)
            }
        }
    }

    /// The project's applications and environments, from `slipway.yaml` at the head of its default branch (fetched
    /// first).
    func configuration(of project: ProjectRow) async throws -> ([GitOps.Application], EnvironmentConfig, String) {
        let mirrors = supervisor.mirrors
        try await mirrors.refresh(project)
        let heads = try await mirrors.heads(project)
        guard let revision = heads["refs/heads/\(project.defaultBranch)"],
            let text = try await mirrors.file(project, ref: revision, path: ApplicationSupervisor.configFile)
        else {
            throw APIFailure(.conflict, "the project's \(project.defaultBranch) has no \(ApplicationSupervisor.configFile)")
        }
        let local = !project.repository.contains("://") && !project.repository.contains("@")
        let file = local ? project.repository + "/" + ApplicationSupervisor.configFile : ApplicationSupervisor.configFile
        do {
            let applications = try ApplicationConfig.parse(text, file: file, relativeTo: local ? .directory(project.repository) : .none)
            return (applications.applications, try EnvironmentConfig.parse(text, file: file), file)
        } catch {
            throw APIFailure(.unprocessableContent, error.description)
        }
    }
}

struct PromotionBody: Decodable {
    var application: String
    var to: String
    var from: String?
    var release: Int64?
}

/// A promotion as it was started.
struct PromotionJSON: Encodable {
    var runId: Int64
    var sourceRelease: Int64
    var sourceApplication: String
    var targetApplication: String
    var digests: [String]
}
