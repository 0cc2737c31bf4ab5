import Workflows

/// An environment a run may deploy to: its rules and its secrets, read when the run was prepared.
public struct JobEnvironment: Sendable, Hashable {
    public var rules: DeploymentEnvironment
    /// Secrets by upper-cased name; they win over the repository's.
    public var secrets: [String: String]
    /// Why the environment's secrets could not be read; a job deploying to it fails with this.
    public var secretsProblem: String?

    public init(rules: DeploymentEnvironment, secrets: [String: String] = [:]) {
        self.rules = rules
        self.secrets = secrets
    }
}
