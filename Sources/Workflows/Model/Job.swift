import Core

/// One job of a workflow: either steps on a runner or a call of a reusable workflow.
public struct Job: Sendable {
    public var id: String
    public var name: YAMLNode?
    public var needs: [String]
    /// Where each entry of `needs` is written, in the same order.
    public var needLocations: [SourceLocation]
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
    /// Where `uses:` is written, for a reusable-workflow job.
    public var usesLocation: SourceLocation?
    /// The called workflow, when the loader could resolve `uses:`.
    public var called: CalledWorkflow?
    /// `permissions:` of the job, replacing the workflow's; nil when absent.
    public var permissions: YAMLNode? = nil

    /// Where `needs[index]` is written (the job's key when unknown).
    public func needLocation(_ index: Int) -> SourceLocation {
        needLocations.indices.contains(index) ? needLocations[index] : location
    }
}

/// `strategy:` with the matrix still unevaluated (it may use `fromJSON(needs...)`).
public struct Strategy: Sendable {
    public var matrix: YAMLNode?
    public var failFast: YAMLNode?
    public var maxParallel: YAMLNode?
}
