import Foundation
import Workflows

/// Where a job deploying to a protected environment waits for its reviewers: the host's store (`slipway approve`
/// and the API write reviews there). The Runner only asks and acts on the answer.
public protocol DeploymentReviews: Sendable {
    /// Waits until the deployment is decided and its wait timer has elapsed, or the task is cancelled.
    func awaitDecision(_ request: DeploymentRequest) async -> DeploymentDecision
}

/// A job asking to deploy.
public struct DeploymentRequest: Sendable, Hashable {
    /// The run's id in the host's store.
    public var runRecordID: Int64
    public var jobID: String
    public var jobName: String
    public var environment: DeploymentEnvironment
    /// Who triggered the run.
    public var actor: String
    /// When the environment's wait timer ends.
    public var waitUntil: Date

    public init(runRecordID: Int64, jobID: String, jobName: String, environment: DeploymentEnvironment, actor: String, waitUntil: Date) {
        self.runRecordID = runRecordID
        self.jobID = jobID
        self.jobName = jobName
        self.environment = environment
        self.actor = actor
        self.waitUntil = waitUntil
    }
}

/// How a deployment's wait ended.
public enum DeploymentDecision: Sendable, Hashable {
    /// Approved by these reviewers (and the wait timer elapsed).
    case approved(by: [String])
    case rejected(by: String, comment: String?)
    /// It could not be decided (the run was cancelled, the store failed): the job does not run.
    case ended(String)
}
