import Expressions
import Workflows

/// Everything a run needs besides the workflow itself.
public struct RunOptions: Sendable {
    /// The repository (or directory) the workflows live in; the default workspace.
    public var repositoryRoot: String
    public var event: WorkflowEvent
    /// Secrets by upper-cased name, after environment > repository > organisation precedence was applied.
    public var secrets: [String: String]
    public var vars: [String: String]
    /// Extra environment given with `--env`.
    public var env: [String: String]
    /// Run only this job (and nothing that needs it).
    public var jobFilter: String?
    public var dryRun: Bool
    public var runID: Int
    public var runNumber: Int
    /// `owner/repo@ref` (or `owner/repo`) → local directory, for remote actions and reusable workflows.
    public var actionMap: [String: String]
    /// `owner/name` → local repository path, for `actions/checkout` of other repositories.
    public var repoMap: [String: String]
    /// Where per-run files (temp, outputs) are kept.
    public var stateDirectory: String
    /// Upper bound on jobs running at once (nil: unlimited).
    public var maxParallelJobs: Int?
    /// The repository facts, when the caller already read them; otherwise each run reads them.
    public var repository: GitRepository?
    /// Values masked besides `secrets` (a called workflow masks all of its caller's secrets).
    public var maskedValues: [String] = []
    /// The typed `inputs` of a called (reusable) workflow; nil for a run started by an event.
    public var callInputs: ExpressionObject?
    /// Each job in its own worktree of the event's commit (default), or all in the working tree.
    public var workspaceMode: WorkspaceMode = .worktree
    /// The actions Slipway implements itself (`actions/checkout`, `docker/build-push-action`, …); none by default.
    public var actions: ActionRegistry = .none
    /// Where finished runs are recorded (none by default).
    public var recorder: (any RunRecorder)?
    /// Images for `container:` jobs and `services:` (none: such jobs fail with a message saying so).
    public var containers: (any JobContainerProvider)?
    /// `docker.io` → `127.0.0.1:5000`: where container and service images are pulled from first.
    public var registryMirrors: [String: String] = [:]
    /// Who triggered the run (`github.actor`); nil: git's `user.name`, then `$USER`.
    public var actor: String?
    /// The environments jobs may name (`environment:`), by lower-cased name; a name not here has no rules, as on
    /// GitHub, where naming an environment creates it.
    public var environments: [String: JobEnvironment] = [:]
    /// Where jobs of protected environments wait for reviews (none: such a job fails, saying so).
    public var deploymentReviews: (any DeploymentReviews)?
    /// Where jobs with `permissions: id-token: write` get OIDC tokens (none: such jobs get no token variables).
    public var idTokens: (any IDTokenIssuing)?
    /// Where jobs whose `runs-on` asks for `self-hosted` go (none: they run here, as everything else does).
    public var remoteJobs: (any RemoteJobDispatching)?
    /// Where runners on other machines fetch the event's commit from (the project's repository).
    public var remoteRepository: String?

    public init(
        repositoryRoot: String, event: WorkflowEvent, secrets: [String: String] = [:], vars: [String: String] = [:],
        env: [String: String] = [:], jobFilter: String? = nil, dryRun: Bool = false, runID: Int = 1, runNumber: Int = 1,
        actionMap: [String: String] = [:], repoMap: [String: String] = [:], stateDirectory: String, maxParallelJobs: Int? = nil
    ) {
        self.repositoryRoot = repositoryRoot
        self.event = event
        self.secrets = secrets
        self.vars = vars
        self.env = env
        self.jobFilter = jobFilter
        self.dryRun = dryRun
        self.runID = runID
        self.runNumber = runNumber
        self.actionMap = actionMap
        self.repoMap = repoMap
        self.stateDirectory = stateDirectory
        self.maxParallelJobs = maxParallelJobs
    }
}
