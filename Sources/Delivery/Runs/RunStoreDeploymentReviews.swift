import Foundation
import Runner
import Store
import Workflows

/// Jobs of protected environments wait here: the deployment is recorded in the run store (the run shows `waiting`)
/// and the reviews other processes write there (`slipway approve`, the server's API) decide it. SQLite tells no
/// process of another's write, so the waiting job reads the deployment again every quarter of a second.
public struct RunStoreDeploymentReviews: DeploymentReviews {
    let store: @Sendable () throws -> RunStore

    /// How often the waiting job reads its deployment.
    static let pollInterval = Duration.milliseconds(250)
    /// GitHub fails a deployment nobody decided within 30 days.
    static let longestWait: TimeInterval = 30 * 24 * 3600

    public init(store: @escaping @Sendable () throws -> RunStore) { self.store = store }

    public func awaitDecision(_ request: DeploymentRequest) async -> DeploymentDecision {
        let store: RunStore
        let id: Int64
        let rules = request.environment
        do {
            store = try self.store()
            id = try store.open(
                Deployment(
                    runId: request.runRecordID, jobId: request.jobID, jobName: request.jobName, environment: rules.name,
                    reviewers: rules.reviewers, approvalsRequired: rules.approvals, preventSelfReview: rules.preventSelfReview,
                    actor: request.actor, waitUntil: request.waitUntil))
        } catch {
            return .ended("cannot record the deployment to \(rules.name) in the run store: \(error)")
        }
        let giveUp = Date().addingTimeInterval(Self.longestWait)
        while true {
            do {
                guard let row = try store.deployment(id) else {
                    return .ended("the deployment to \(rules.name) vanished from the run store")
                }
                let state = row.state == .waiting && row.approvalsRequired == 0 ? DeploymentState.approved : row.state
                switch state {
                case .waiting:
                    if Date() >= giveUp {
                        let reason = "The deployment to \(rules.name) was not approved within 30 days."
                        try store.settle(id, as: .cancelled, reason: reason)
                        return .ended(reason)
                    }
                case .approved:
                    if Date() >= request.waitUntil {
                        try store.settle(id, as: .approved)
                        let reviews = try store.reviews(ofDeployment: id)
                        return .approved(by: reviews.filter { $0.state == DeploymentReview.approved }.map(\.user))
                    }
                case .rejected:
                    try store.settle(id, as: .rejected)
                    let rejection = try store.reviews(ofDeployment: id).first { $0.state == DeploymentReview.rejected }
                    return .rejected(by: rejection?.user ?? "a reviewer", comment: rejection?.comment)
                case .abandoned, .cancelled:
                    return .ended(row.reason ?? "the deployment to \(rules.name) was \(state.rawValue)")
                }
            } catch {
                return .ended("cannot read the deployment to \(rules.name) from the run store: \(error)")
            }
            let untilTimer = request.waitUntil.timeIntervalSinceNow
            let pause = untilTimer > 0 ? min(Self.pollInterval, .milliseconds(Int64(untilTimer * 1000) + 1)) : Self.pollInterval
            do { try await Task.sleep(for: pause) } catch {
                let reason = "cancelled while waiting for environment \(rules.name)"
                try? store.settle(id, as: .cancelled, reason: reason)
                return .ended(reason)
            }
        }
    }
}
