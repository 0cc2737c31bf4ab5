import Foundation

/// `slipway promote APP --to ENV`: carry what a release verified in one environment to the next.
public struct PromotionRequest: Sendable {
    /// The repository whose `slipway.yaml` declares the applications and environments (and whose run store records
    /// the promotion and its reviews).
    public var repositoryRoot: String
    /// `my-app`: the applications `my-app` or `my-app-<environment>` of each environment.
    public var application: String
    public var target: String
    /// The environment promoted from; nil: the one declared before `target`.
    public var source: String?
    /// The release to promote; nil: the source application's latest.
    public var releaseId: Int64?
    /// Who asks (reviewers of the target environment are checked against this user for self-review).
    public var actor: String

    public init(repositoryRoot: String, application: String, target: String, actor: String) {
        self.repositoryRoot = repositoryRoot
        self.application = application
        self.target = target
        self.actor = actor
    }
}

/// What a promotion did.
public struct PromotionOutcome: Sendable, Hashable {
    public var sourceReleaseId: Int64
    public var sourceApplication: String
    public var targetApplication: String
    public var digests: [String]
    /// The GitOps commit (nil: the overlay already had these digests).
    public var revision: String?
    /// The run recording the promotion and its reviews.
    public var runId: Int64
}
