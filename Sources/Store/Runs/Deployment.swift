import Foundation

/// A job's deployment to a protected environment, waiting for (or past) its reviews. The environment's rules are
/// copied in when the job starts waiting, so a review is judged by the rules the run was started with.
public struct Deployment: Codable, Sendable, Hashable, StoredRecord {
    public static let tableName = "deployment"
    public var id: Int64?
    public var runId: Int64
    public var jobId: String
    public var jobName: String
    public var environment: String
    public var state: DeploymentState
    /// JSON array of the users (or roles) who may review.
    public var reviewers: String
    public var approvalsRequired: Int
    public var preventSelfReview: Bool
    /// Who triggered the run.
    public var actor: String
    /// When the wait timer ends (seconds since 1970).
    public var waitUntil: Double
    public var createdAt: Double
    public var decidedAt: Double?
    /// Why a deployment ended without a review deciding it.
    public var reason: String?

    public init(
        runId: Int64, jobId: String, jobName: String, environment: String, reviewers: [String], approvalsRequired: Int,
        preventSelfReview: Bool, actor: String, waitUntil: Date, createdAt: Date = Date()
    ) {
        self.runId = runId
        self.jobId = jobId
        self.jobName = jobName
        self.environment = environment
        self.state = .waiting
        self.reviewers = Self.encode(reviewers)
        self.approvalsRequired = approvalsRequired
        self.preventSelfReview = preventSelfReview
        self.actor = actor
        self.waitUntil = waitUntil.timeIntervalSince1970
        self.createdAt = createdAt.timeIntervalSince1970
    }

    public var reviewerList: [String] {
        (try? JSONDecoder().decode([String].self, from: Data(reviewers.utf8))) ?? []
    }

    /// Whether `user` may review: named among the reviewers, or holding a role a `role:NAME` entry names.
    public func admits(_ user: String, roles: Set<String> = []) -> Bool {
        let reviewers = reviewerList
        return reviewers.contains(user) || reviewers.contains { $0.hasPrefix("role:") && roles.contains(String($0.dropFirst(5))) }
    }

    static func encode(_ reviewers: [String]) -> String {
        (try? JSONEncoder().encode(reviewers)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
    }

}

/// One reviewer's answer to a deployment.
public struct DeploymentReview: Codable, Sendable, Hashable, StoredRecord {
    public static let tableName = "deploymentReview"
    public static let approved = "approved"
    public static let rejected = "rejected"
    public var id: Int64?
    public var deploymentId: Int64
    public var user: String
    /// `approved` or `rejected`.
    public var state: String
    public var comment: String?
    public var at: Double

    public init(deploymentId: Int64, user: String, state: String, comment: String?, at: Date = Date()) {
        self.deploymentId = deploymentId
        self.user = user
        self.state = state
        self.comment = comment
        self.at = at.timeIntervalSince1970
    }

}
