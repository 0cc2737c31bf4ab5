/// One job instance of a pipeline (a `parallel` job has several), with what the rules decided.
public struct PlannedJob: Sendable, Codable, Hashable {
    /// The instance's name: `build`, `build 2/3`, `build: [linux, amd64]`.
    public var name: String
    /// The job's name in the file.
    public var jobName: String
    public var stage: String
    public var stageIndex: Int
    public var when: GitLabWhen
    /// Seconds to wait for a `delayed` job.
    public var startIn: Double?
    public var allowFailure: GitLabAllowFailure
    /// Instance names this job waits for; nil: every job of the earlier stages.
    public var needs: [PlannedNeed]?
    /// The `needs:` the job (or its matching rule) declared, before resolution to instances.
    public var declaredNeeds: [GitLabNeed]?
    /// Instance names whose artifacts it receives; nil: every earlier stage's.
    public var dependencies: [String]?
    /// Dependencies named in the file that are not in this pipeline (the job fails as GitLab's would).
    public var missingDependencies: [String]
    /// Job, matrix and rule variables, in precedence order (later over earlier).
    public var variables: [GitLabVariable]
    public var nodeIndex: Int?
    public var nodeTotal: Int?
    public var interruptible: Bool
    /// Jobs sharing a resource group run one at a time.
    public var resourceGroup: String?
}

/// A `needs:` entry resolved to one instance.
public struct PlannedNeed: Sendable, Codable, Hashable {
    public var name: String
    public var artifacts: Bool
}

/// What a pipeline is made of, or why GitLab would create none.
public struct PipelinePlan: Sendable, Hashable {
    public var stages: [String]
    public var jobs: [PlannedJob]
    /// Variables from the matching `workflow: rules` entry.
    public var workflowVariables: [GitLabVariable]
    /// Why no pipeline is created (workflow rules, or no job matched); nil when there is one.
    public var notCreatedReason: String?

    public var isCreated: Bool { notCreatedReason == nil }
}
