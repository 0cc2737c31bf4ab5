import Foundation

/// Deployments waiting for reviews: opened by the waiting job, reviewed by `slipway approve`/`reject` or the API (from
/// other processes: the store is the meeting point), settled once.
extension RunStore {
    /// Records a job starting to wait for its environment; the run shows `waiting`. Answers the deployment's id.
    public func open(_ deployment: Deployment) throws -> Int64 {
        try database.write { db in
            let id = try db.insert(deployment) ?? 0
            try db.query(
                "UPDATE run SET status = ? WHERE id = ? AND status = ?", Run.Status.waiting, deployment.runId, Run.Status.inProgress)
            return id
        }
    }

    public func deployment(_ id: Int64) throws -> Deployment? {
        try database.read { db in try db.fetch(Deployment.self, id: id) }
    }

    /// A run's deployments, oldest first.
    /// Deployments waiting for reviewers, oldest first (the UI's approvals).
    public func waitingDeployments(limit: Int = 200) throws -> [Deployment] {
        try database.read { db in
            try db.fetchAll(
                Deployment.self, "SELECT * FROM deployment WHERE state = ? ORDER BY id LIMIT ?", DeploymentState.waiting.rawValue, limit)
        }
    }

    /// The newest approved deployment to `environment` of the same project before deployment `id`, and the commit its
    /// run deployed: where the changes a waiting deployment brings start.
    public func previousApprovedDeployment(environment: String, projectId: Int64, before id: Int64) throws -> (Deployment, sha: String)? {
        try database.read { db in
            let row = try db.query(
                """
                SELECT deployment.id AS deploymentId, run.sha AS sha FROM deployment JOIN run ON run.id = deployment.runId
                WHERE deployment.environment = ? AND deployment.state = ? AND run.projectId = ? AND deployment.id < ?
                ORDER BY deployment.id DESC LIMIT 1
                """,
                environment, DeploymentState.approved.rawValue, projectId, id
            ).first
            guard let row, let deploymentId = row["deploymentId"].integer, let sha = row["sha"].text,
                let deployment = try db.fetch(Deployment.self, id: deploymentId)
            else { return nil }
            return (deployment, sha)
        }
    }

    public func deployments(ofRun id: Int64) throws -> [Deployment] {
        try database.read { db in try db.fetchAll(Deployment.self, "SELECT * FROM deployment WHERE runId = ? ORDER BY id", id) }
    }

    public func reviews(ofDeployment id: Int64) throws -> [DeploymentReview] {
        try database.read { db in
            try db.fetchAll(DeploymentReview.self, "SELECT * FROM deploymentReview WHERE deploymentId = ? ORDER BY id", id)
        }
    }

    /// Ends a waiting deployment (`cancelled`, `abandoned`) or records the decision the waiting job acted on; the run
    /// goes back to `in_progress` when nothing else of it waits. A deployment already final keeps its state.
    public func settle(_ id: Int64, as state: DeploymentState, reason: String? = nil) throws {
        try database.write { db in
            guard var row = try db.fetch(Deployment.self, id: id) else { return }
            if row.state == .waiting {
                row.state = state
                row.decidedAt = Date().timeIntervalSince1970
                row.reason = reason
                try db.update(row)
            }
            let stillWaiting =
                try db.scalar("SELECT COUNT(*) FROM deployment WHERE runId = ? AND state = ?", row.runId, DeploymentState.waiting.rawValue)?
                .integer ?? 0
            if stillWaiting == 0 {
                try db.query("UPDATE run SET status = ? WHERE id = ? AND status = ?", Run.Status.inProgress, row.runId, Run.Status.waiting)
            }
        }
    }

    /// Reviews every deployment of run `runId` waiting for `environment` (compared without regard to case), in one
    /// transaction, after checking the rules the deployments were opened with: the user must be a reviewer, must not
    /// be the run's triggering user when self-review is prevented, and reviews once. Answers the deployments with
    /// the state the reviews so far make.
    /// A reviewer entry `role:NAME` admits any user holding that role (`roles`: the reviewer's, as the server knows
    /// them).
    public func review(
        run runId: Int64, environment: String, user: String, roles: Set<String> = [], approve: Bool, comment: String?
    ) throws -> [Deployment] {
        try database.write { db in
            guard try db.fetch(Run.self, id: runId) != nil else { throw DeploymentReviewError.noRun(runId) }
            let all = try db.fetchAll(Deployment.self, "SELECT * FROM deployment WHERE runId = ? ORDER BY id", runId)
            let waiting = all.filter { $0.state == .waiting }
            let targets = waiting.filter { $0.environment.lowercased() == environment.lowercased() }
            guard let first = targets.first else {
                throw DeploymentReviewError.notWaiting(
                    run: runId, environment: environment, waiting: Array(Set(waiting.map(\.environment))).sorted())
            }
            guard first.admits(user, roles: roles) else {
                throw DeploymentReviewError.notReviewer(user: user, environment: first.environment, reviewers: first.reviewerList)
            }
            if first.preventSelfReview, user == first.actor {
                throw DeploymentReviewError.selfReview(user: user, run: runId, environment: first.environment)
            }
            var result: [Deployment] = []
            for var deployment in targets {
                guard let id = deployment.id else { continue }
                let earlier = try db.fetchAll(
                    DeploymentReview.self, "SELECT * FROM deploymentReview WHERE deploymentId = ? ORDER BY id", id)
                if let mine = earlier.first(where: { $0.user == user }) {
                    throw DeploymentReviewError.alreadyReviewed(user: user, environment: first.environment, run: runId, state: mine.state)
                }
                let review = DeploymentReview(
                    deploymentId: id, user: user, state: approve ? DeploymentReview.approved : DeploymentReview.rejected, comment: comment)
                try db.insert(review)
                // The waiting job acts on the state; it is recorded here as it is decided, so a second review of a
                // decided deployment is refused as not waiting.
                let state = deployment.state.reviewed(by: earlier + [review], required: deployment.approvalsRequired)
                if state != deployment.state {
                    deployment.state = state
                    deployment.decidedAt = review.at
                    try db.update(deployment)
                }
                result.append(deployment)
            }
            return result
        }
    }
}
