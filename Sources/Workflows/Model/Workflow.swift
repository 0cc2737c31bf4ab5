import Core

/// A parsed and validated GitHub Actions workflow file.
public struct Workflow: Sendable {
    public var path: String
    public var name: String?
    public var runName: YAMLNode?
    public var triggers: [EventTrigger]
    public var env: [(key: String, value: YAMLNode)]
    public var defaults: RunDefaults
    public var concurrency: ConcurrencySpec?
    public var jobs: [Job]
    public var location: SourceLocation
    /// Problems that do not stop the workflow from loading (printed by `slipway lint` and `slipway run`).
    public var warnings: [Diagnostic] = []
    /// `permissions:` of the `GITHUB_TOKEN` for every job (a job's own replaces it); nil when absent.
    public var permissions: YAMLNode?
    /// The text it was loaded from: a job sent to a runner on another machine is loaded there from it.
    public var source: String = ""

    /// The display name: `name:` or the file path, as GitHub shows it.
    public var displayName: String { name ?? path }

    public func job(_ id: String) -> Job? { jobs.first { $0.id == id } }
    public func trigger(_ event: String) -> EventTrigger? { triggers.first { $0.event == event } }
}

/// `defaults.run` at workflow or job level.
public struct RunDefaults: Sendable {
    public var shell: YAMLNode?
    public var workingDirectory: YAMLNode?
    public init(shell: YAMLNode? = nil, workingDirectory: YAMLNode? = nil) {
        self.shell = shell
        self.workingDirectory = workingDirectory
    }
}

/// `concurrency:` as a group expression plus cancel-in-progress and the queue mode.
public struct ConcurrencySpec: Sendable {
    public var group: YAMLNode
    public var cancelInProgress: YAMLNode?
    /// `queue: max` keeps up to 100 pending runs instead of replacing the pending one.
    public var queueMax: Bool
}
