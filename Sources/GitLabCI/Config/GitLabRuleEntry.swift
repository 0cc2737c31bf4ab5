import Core
import Expressions

/// One entry of `rules:` (or `workflow: rules:`). The first entry whose clauses all hold decides the job.
public struct GitLabRuleEntry: Sendable, Hashable {
    public var condition: GitLabRule?
    public var changes: GitLabChanges?
    /// `exists:` patterns (before expansion).
    public var exists: [String]?
    public var when: GitLabWhen?
    public var startIn: String?
    public var allowFailure: GitLabAllowFailure?
    public var variables: [GitLabVariable]
    public var needs: [GitLabNeed]?
    public var interruptible: Bool?
    public var location: SourceLocation

    public init(location: SourceLocation) {
        self.location = location
        variables = []
    }
}

/// `changes:` of a rule or of `only`/`except`: paths, and optionally the ref to compare with.
public struct GitLabChanges: Sendable, Hashable {
    public var paths: [String]
    public var compareTo: String?
}

/// One entry of `needs:`.
public struct GitLabNeed: Sendable, Codable, Hashable {
    public var job: String
    public var artifacts: Bool
    public var optional: Bool
    /// `parallel: matrix:` selecting instances of a parallel job; nil means every instance.
    public var matrix: [[String: [String]]]?

    public init(job: String, artifacts: Bool = true, optional: Bool = false, matrix: [[String: [String]]]? = nil) {
        self.job = job
        self.artifacts = artifacts
        self.optional = optional
        self.matrix = matrix
    }
}
