import Foundation
import Runner

/// How to run a pipeline.
public struct PipelineRunOptions: Sendable {
    public var repositoryRoot: String
    public var configPath: String
    /// Where workspaces, artifacts and caches go (`ROOT/.slipway/gitlab` by default).
    public var stateDirectory: String
    /// The environment every job starts from (the host's PATH, HOME, …) before its variables.
    public var hostEnvironment: [String: String]
    public var reporter: any RunReporter
    public var recorder: (any PipelineRecorder)?
    /// Manual jobs to play as soon as they become playable (`--manual JOB`, `slipway gitlab play`).
    public var play: Set<String>
    /// Jobs at most running at once.
    public var concurrency: Int
    /// Run in the working tree instead of a worktree of the commit per job.
    public var sharedWorkspace: Bool
    /// The KUBECONFIG deploying jobs get.
    public var kubeconfig: String?
    /// Values masked in logs (project variables marked masked, trigger payload values).
    public var maskedValues: [String]
    /// Where jobs' `image:` comes from; jobs run on the host without it (or when it lacks the image).
    public var containers: (any JobContainerProvider)?

    public init(repositoryRoot: String, configPath: String = ".gitlab-ci.yml", reporter: any RunReporter = SilentReporter()) {
        self.repositoryRoot = repositoryRoot
        self.configPath = configPath
        stateDirectory = "\(repositoryRoot)/.slipway/gitlab"
        hostEnvironment = PipelineRunOptions.defaultHostEnvironment()
        self.reporter = reporter
        recorder = nil
        play = []
        concurrency = max(2, ProcessInfo.processInfo.activeProcessorCount * 2)
        sharedWorkspace = false
        kubeconfig = nil
        maskedValues = []
        containers = nil
    }

    /// The host variables a runner's shell executor passes on.
    public static func defaultHostEnvironment() -> [String: String] {
        let host = ProcessInfo.processInfo.environment
        var result: [String: String] = [:]
        for key in ["PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "TZ", "TMPDIR", "SHELL", "TERM"] {
            if let value = host[key] { result[key] = value }
        }
        result["PATH"] = result["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return result
    }
}

/// Where pipelines are kept: the host gives one (the run store) so `slipway runs` and `slipway logs` show them.
public protocol PipelineRecorder: Sendable {
    /// A pipeline is starting; answers its id.
    func started(_ context: PipelineContext, name: String) async throws -> Int64
    /// A recorded pipeline goes on (a job played or retried); false when it cannot (it is in progress elsewhere).
    func resumed(_ id: Int64) async throws -> Bool
    /// Keeps the pipeline as it ended (or paused with manual jobs waiting), with what it takes to go on later.
    func finished(_ result: PipelineResult, snapshot: PipelineSnapshot) async throws
}
