import Core

/// A `.gitlab-ci.yml` with everything it includes and extends resolved: what a pipeline is planned from.
public struct GitLabConfig: Sendable, Hashable {
    /// `.pre`, the file's stages (or GitLab's default `build`, `test`, `deploy`), `.post`.
    public var stages: [String]
    /// Visible jobs in file order.
    public var jobs: [GitLabJob]
    public var variables: [GitLabVariable]
    public var workflowRules: [GitLabRuleEntry]?
    /// `workflow: name:`.
    public var workflowName: String?
    /// The files read, the main one first.
    public var files: [String]
    /// Keys Slipway reads but does not act on, each once, with where they are.
    public var warnings: [Diagnostic]

    public static let defaultStages = ["build", "test", "deploy"]

    public func job(named name: String) -> GitLabJob? { jobs.first { $0.name == name } }
}
