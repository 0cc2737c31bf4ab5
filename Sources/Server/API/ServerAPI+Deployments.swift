import Foundation
import Hummingbird
import Store

extension ServerAPI {
    /// Reviews of a run's deployments, as GitHub's "pending deployments": `GET /api/v1/runs/:id/pending_deployments`
    /// lists the deployments waiting for reviewers (viewers), `POST` with `{"environment", "state": "approved" |
    /// "rejected", "comment"}` reviews them as the signed-in user (approvers, write scope). The rules the deployment
    /// was opened with decide: reviewers (a user's name or `role:NAME`), self-review, one review per user.
    func addDeploymentRoutes(to router: Router<BasicRequestContext>) {
        let api = self
        router.get("/api/v1/runs/:id/pending_deployments") { request, context in
            try await api.authorized(request, .viewer, .read) { principal in
                guard let run = try api.serverRun(context.parameters.get("id")), let id = run.id else { return APIReply.notFound }
                let waiting = try api.store.runs.deployments(ofRun: id).filter { $0.state == .waiting }
                return APIReply.json(
                    try waiting.map { deployment in
                        PendingDeploymentJSON(
                            deployment, reviews: try api.store.runs.reviews(ofDeployment: deployment.id ?? 0), viewer: principal)
                    })
            }
        }
        router.post("/api/v1/runs/:id/pending_deployments") { request, context in
            try await api.authorized(request, .approver, .write) { principal in
                guard let run = try api.serverRun(context.parameters.get("id")), let id = run.id else { return APIReply.notFound }
                let body = try await APIReply.decode(ReviewBody.self, from: request, limit: 64 << 10)
                guard body.state == "approved" || body.state == "rejected" else {
                    throw APIFailure(.unprocessableContent, "state must be approved or rejected")
                }
                do {
                    let reviewed = try api.store.runs.review(
                        run: id, environment: body.environment, user: principal.userName, roles: principal.role.includedNames,
                        approve: body.state == "approved",
                        comment: body.comment)
                    return APIReply.json(reviewed.map(DeploymentJSON.init))
                } catch let refusal as DeploymentReviewError {
                    switch refusal {
                    case .notReviewer, .selfReview: throw APIFailure(.forbidden, refusal.description)
                    default: throw APIFailure(.conflict, refusal.description)
                    }
                }
            }
        }
    }
}

struct ReviewBody: Decodable {
    var environment: String
    var state: String
    var comment: String?
}

/// A deployment, as a review's answer lists it.
struct DeploymentJSON: Encodable {
    var id: Int64
    var job: String
    var environment: String
    var state: String

    init(_ deployment: Deployment) {
        id = deployment.id ?? 0
        job = deployment.jobName
        environment = deployment.environment
        state = deployment.state.rawValue
    }
}

/// A deployment waiting for reviewers.
struct PendingDeploymentJSON: Encodable {
    var id: Int64
    var job: String
    var environment: String
    var reviewers: [String]
    var approvalsRequired: Int
    var approvals: [String]
    var preventSelfReview: Bool
    var waitTimerEndsAt: String
    var currentUserCanApprove: Bool

    init(_ deployment: Deployment, reviews: [DeploymentReview], viewer: Principal) {
        id = deployment.id ?? 0
        job = deployment.jobName
        environment = deployment.environment
        reviewers = deployment.reviewerList
        approvalsRequired = deployment.approvalsRequired
        approvals = reviews.filter { $0.state == DeploymentReview.approved }.map(\.user)
        preventSelfReview = deployment.preventSelfReview
        waitTimerEndsAt = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: deployment.waitUntil))
        currentUserCanApprove =
            viewer.role >= .approver && deployment.admits(viewer.userName, roles: viewer.role.includedNames)
            && !(deployment.preventSelfReview && viewer.userName == deployment.actor) && !reviews.contains { $0.user == viewer.userName }
    }
}
