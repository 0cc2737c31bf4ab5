import Core

/// One job of a workflow: either steps on a runner or a call of a reusable workflow.
public struct Job: Sendable {
    public var id: String
    public var name: YAMLNode?
    public var needs: [String]
    public var needsLocation: SourceLocation?
    /// The `if:` condition as written (without `${{ }}`), nil when absent.
    public var condition: String?
    public var conditionLocation: SourceLocation?
    public var runsOn: YAMLNode?
    public var env: [(key: String, value: YAMLNode)]
    public var defaults: RunDefaults
    public var steps: [Step]
    public var strategy: Strategy?
    public var outputs: [(key: String, value: YAMLNode)]
    public var timeoutMinutes: YAMLNode?
    public var continueOnError: YAMLNode?
    public var concurrency: ConcurrencySpec?
    public var environment: YAMLNode?
    public var container: YAMLNode?
    public var services: YAMLNode?
    /// `uses:` of a reusable-workflow job.
    public var uses: String?
    public var with: [(key: String, value: YAMLNode)]
    /// `secrets: inherit` or a mapping.
    public var secretsInherit: Bool
    public var secrets: [(key: String, value: YAMLNode)]
    public var location: SourceLocation
}

/// `strategy:` with the matrix still unevaluated (it may use `fromJSON(needs...)`).
public struct Strategy: Sendable {
    public var matrix: YAMLNode?
    public var failFast: YAMLNode?
    public var maxParallel: YAMLNode?
}
