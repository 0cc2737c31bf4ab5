import Foundation

/// What a runner on another machine needs to run one job instance: the workflow's text, the job, the contexts the
/// server evaluated for it (`github`, `env`, `needs`, `matrix`, `secrets`, …, as JSON), where to fetch the commit, and
/// the values to mask. It carries the run's secrets: the server keeps it sealed and hands it only to the runner that
/// took the job.
public struct RemoteJobSpec: Codable, Sendable, Hashable {
    public var workflowPath: String
    public var workflowText: String
    public var jobID: String
    /// The instance's name as the run shows it (`build (linux, 1)`).
    public var displayName: String
    /// The `runs-on` labels.
    public var labels: [String]
    /// The job's contexts by name, each as JSON.
    public var contexts: [String: String]
    /// The repository to fetch the commit from (its URL or path, as the project names it).
    public var repository: String
    public var event: String
    public var ref: String
    public var sha: String
    public var runID: Int
    public var runNumber: Int
    /// `--env` values of the run.
    public var env: [String: String]
    /// Values no output of the job may show: the run's secrets and the values masked with it.
    public var masked: [String]
    /// `timeout-minutes` as evaluated by the server (GitHub's 360 when the job sets none); nil: no limit.
    public var timeoutMinutes: Double?
    /// Registry mirrors for `container:` and `services:` images.
    public var registryMirrors: [String: String]
    /// Whether the job's steps download artifacts (the server then sends the run's artifacts with it).
    public var downloadsArtifacts: Bool

    public init(
        workflowPath: String, workflowText: String, jobID: String, displayName: String, labels: [String], contexts: [String: String],
        repository: String, event: String, ref: String, sha: String, runID: Int, runNumber: Int, env: [String: String], masked: [String],
        timeoutMinutes: Double? = nil, registryMirrors: [String: String], downloadsArtifacts: Bool
    ) {
        self.workflowPath = workflowPath
        self.workflowText = workflowText
        self.jobID = jobID
        self.displayName = displayName
        self.labels = labels
        self.contexts = contexts
        self.repository = repository
        self.event = event
        self.ref = ref
        self.sha = sha
        self.runID = runID
        self.runNumber = runNumber
        self.env = env
        self.masked = masked
        self.timeoutMinutes = timeoutMinutes
        self.registryMirrors = registryMirrors
        self.downloadsArtifacts = downloadsArtifacts
    }

    /// Whether `runs-on` asks for a self-hosted runner: such jobs go to the runners registered with the server.
    public static func wantsRunner(_ labels: [String]) -> Bool {
        labels.contains { $0.lowercased() == "self-hosted" }
    }

    /// The labels every runner has besides its own, as GitHub's self-hosted runners do.
    public static var implicitLabels: [String] { ["self-hosted", "linux", RunnerPlatform.githubArchitectureLabel] }
}
