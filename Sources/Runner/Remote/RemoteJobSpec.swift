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
    /// `timeout-minutes` as evaluated by the server; nil: GitHub's 360.
    public var timeoutMinutes: Double?
    /// Registry mirrors for `container:` and `services:` images.
    public var registryMirrors: [String: String]
    /// Whether the job's steps download artifacts (the server then sends the run's artifacts with it).
    public var downloadsArtifacts: Bool

    /// Whether `runs-on` asks for a self-hosted runner: such jobs go to the runners registered with the server.
    public static func wantsRunner(_ labels: [String]) -> Bool {
        labels.contains { $0.lowercased() == "self-hosted" }
    }

    /// The labels every runner has besides its own, as GitHub's self-hosted runners do.
    public static var implicitLabels: [String] { ["self-hosted", "linux", RunnerPlatform.githubArchitectureLabel] }
}
