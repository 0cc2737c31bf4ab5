import Core

/// One entry of `on:` with its filters and inputs.
public struct EventTrigger: Sendable {
    public var event: String
    public var types: [String]?
    public var branches: [FilterPattern]?
    public var branchesIgnore: [FilterPattern]?
    public var tags: [FilterPattern]?
    public var tagsIgnore: [FilterPattern]?
    public var paths: [FilterPattern]?
    public var pathsIgnore: [FilterPattern]?
    /// `workflow_run.workflows`.
    public var workflows: [String]
    /// `workflow_dispatch` / `workflow_call` inputs in declaration order.
    public var inputs: [InputSpec]
    /// `workflow_call` outputs: name → value template.
    public var outputs: [(key: String, value: YAMLNode)]
    /// `workflow_call` secrets.
    public var secrets: [(name: String, required: Bool)]
    public var location: SourceLocation

    public init(event: String, location: SourceLocation) {
        self.event = event
        self.workflows = []
        self.inputs = []
        self.outputs = []
        self.secrets = []
        self.location = location
    }
}

/// A typed input of `workflow_dispatch` or `workflow_call`.
public struct InputSpec: Sendable {
    public enum Kind: String, Sendable {
        case string, boolean, choice, number, environment
    }

    public var name: String
    public var kind: Kind
    public var required: Bool
    public var defaultValue: YAMLNode?
    public var options: [String]
    public var description: String?
    public var location: SourceLocation
}
