import Core

/// One step of a job.
public struct Step: Sendable {
    /// The id as written, or a generated `__run`, `__actions_checkout` style id.
    public var id: String
    public var hasExplicitId: Bool
    public var name: YAMLNode?
    public var condition: String?
    public var conditionLocation: SourceLocation?
    public var run: YAMLNode?
    public var shell: YAMLNode?
    public var workingDirectory: YAMLNode?
    public var uses: String?
    public var with: [(key: String, value: YAMLNode)]
    public var env: [(key: String, value: YAMLNode)]
    public var continueOnError: YAMLNode?
    public var timeoutMinutes: YAMLNode?
    public var location: SourceLocation
}
