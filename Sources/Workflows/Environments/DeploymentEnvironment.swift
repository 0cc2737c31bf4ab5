import Core

/// One deployment environment as `slipway.yaml` declares it: which refs may deploy there, who must approve and how
/// many of them, how long to wait, and the environment's own secrets and variables.
public struct DeploymentEnvironment: Sendable, Hashable {
    /// As written; environments are looked up without regard to case, as on GitHub.
    public var name: String
    /// Branch name patterns allowed to deploy; nil when the environment names no branch rule.
    public var branches: [String]?
    /// Tag name patterns allowed to deploy; nil when the environment names no tag rule.
    public var tags: [String]?
    /// Users (or roles) who may review a deployment.
    public var reviewers: [String]
    /// Distinct approvals a deployment needs (0 when there are no reviewers).
    public var approvals: Int
    /// The user who triggered a run cannot approve its deployments.
    public var preventSelfReview: Bool
    /// Minutes a job waits after it was triggered (0–43,200, fractions allowed).
    public var waitTimerMinutes: Double
    /// A dotenv file of the environment's secrets, relative to the repository root.
    public var secretsFile: String?
    /// The environment's variables (`vars.*`), over the repository's.
    public var vars: [String: String]
    public var url: String?
    /// Where the environment is declared.
    public var location: SourceLocation

    public init(
        name: String, branches: [String]? = nil, tags: [String]? = nil, reviewers: [String] = [], approvals: Int = 0,
        preventSelfReview: Bool = false, waitTimerMinutes: Double = 0, secretsFile: String? = nil, vars: [String: String] = [:],
        url: String? = nil, location: SourceLocation = SourceLocation(file: "slipway.yaml", line: 1, column: 1)
    ) {
        self.name = name
        self.branches = branches
        self.tags = tags
        self.reviewers = reviewers
        self.approvals = approvals
        self.preventSelfReview = preventSelfReview
        self.waitTimerMinutes = waitTimerMinutes
        self.secretsFile = secretsFile
        self.vars = vars
        self.url = url
        self.location = location
    }

    /// Whether a deployment must be reviewed before it goes on.
    public var needsReview: Bool { approvals > 0 }
}
