import Core
import Expressions
import Foundation
import Workflows

/// What starts workflow runs, whoever asks — `slipway run`'s flags, a webhook, `slipway up`: the repository, the
/// event, and what the runs are given (secrets, variables, inputs, maps). `prepare()` turns it into the workflows the
/// event matches and the options to run them with, reporting every problem of the request at once.
public struct RunRequest: Sendable {
    /// The repository the workflows live in (its working tree).
    public var repositoryRoot: String
    /// A workflow file or directory, relative to the repository root unless absolute.
    public var workflowsPath: String = ".github/workflows"
    /// `push`, `pull_request`, `workflow_dispatch`, …
    public var event: String = "push"
    /// The event's ref (default: the repository's current branch, else `refs/heads/main`).
    public var ref: String?
    /// The event's commit (default: HEAD).
    public var sha: String?
    /// The base branch of a `pull_request` event.
    public var baseRef: String?
    /// The activity type (`opened`, `synchronize`, …).
    public var action: String?
    /// A JSON object merged over the payload Slipway builds (`github.event`).
    public var payloadJSON: String?
    /// Where `payloadJSON` came from, for messages.
    public var payloadSource: String = "the event payload"
    /// Paths the push changed, for `paths` filters; nil when unknown (filters then pass).
    public var changedPaths: [String]?
    /// Secrets by name; names are upper-cased, as on GitHub.
    public var secrets: [String: String] = [:]
    /// Dotenv files of secrets, read before `secrets` (which win).
    public var secretFiles: [String] = []
    public var vars: [String: String] = [:]
    /// Environment variables for every step; `envFiles` first, then these.
    public var env: [String: String] = [:]
    public var envFiles: [String] = []
    /// `workflow_dispatch` inputs, over those of the payload.
    public var inputs: [String: String] = [:]
    public var actionMap: [String: String] = [:]
    public var repoMap: [String: String] = [:]
    public var jobFilter: String?
    public var workspaceMode: WorkspaceMode = .worktree
    public var dryRun = false
    /// `docker.io` → `127.0.0.1:5000`: where `container:` and `services:` images are pulled from first.
    public var registryMirrors: [String: String] = [:]
    /// Who triggered the runs (`github.actor`); nil: git's `user.name`, then `$USER`.
    public var actor: String?
    /// The file declaring the deployment environments (`environments:`), relative to the repository root unless
    /// absolute; nil: `slipway.yaml` at the root when there is one.
    public var environmentsFile: String?
    /// Environment secrets kept by the host (the server's sealed store), by environment name, over those of the
    /// environment's `secrets-file`.
    public var environmentSecrets: [String: [String: String]] = [:]

    public init(repositoryRoot: String, event: String = "push") {
        self.repositoryRoot = repositoryRoot
        self.event = event
    }
}

/// A request that could not be turned into runs: every problem, each with its file and position where it has one.
public struct RunRequestError: Error, Sendable, CustomStringConvertible {
    public var problems: [String]

    public init(_ problems: [String]) { self.problems = problems }

    public var description: String { problems.joined(separator: "\n") }
}

/// A request ready to run: the workflows it loaded, those the event matches, and the options for their runs.
public struct PreparedRun: Sendable {
    public var workflows: [Workflow]
    public var matching: [Workflow]
    public var options: RunOptions
    /// Warnings of the workflow files (`path:line:col: …`).
    public var warnings: [String]

    public var event: WorkflowEvent { options.event }
}

extension RunRequest {
    /// Loads the workflows, builds the event (payload, inputs) and the options. Workflow diagnostics, unreadable
    /// files, bad payloads and inputs that break their declarations are all reported, in one error.
    public func prepare() async throws(RunRequestError) -> PreparedRun {
        let root = repositoryRoot
        let path = workflowsPath.hasPrefix("/") ? workflowsPath : root + "/" + workflowsPath
        guard let files = WorkflowDiscovery.files(at: path) else {
            throw RunRequestError(["no workflow file or directory at '\(workflowsPath)'"])
        }
        let (workflows, diagnostics) = WorkflowDiscovery.load(files, relativeTo: root, repositories: repoMap)
        guard diagnostics.isEmpty else { throw RunRequestError(diagnostics.map(\.description)) }
        let warnings = workflows.flatMap(\.warnings).map { "\($0) (warning)" }

        var secretValues: [String: String] = [:]
        for file in secretFiles {
            for (key, value) in try Self.dotenv(file, what: "secret") { secretValues[key.uppercased()] = value }
        }
        for (key, value) in secrets { secretValues[key.uppercased()] = value }
        if let name = secretValues.keys.sorted().first(where: { $0.hasPrefix("GITHUB_") }) {
            throw RunRequestError(["secret names must not start with GITHUB_: '\(name)'"])
        }
        var environment: [String: String] = [:]
        for file in envFiles {
            for (key, value) in try Self.dotenv(file, what: "env") { environment[key] = value }
        }
        environment.merge(env) { $1 }

        let git = await GitRepository.inspect(root)
        let event = try await workflowEvent(git: git)
        if event.name == "workflow_dispatch" {
            var problems: [String] = []
            for workflow in workflows { problems += Self.inputProblems(workflow, event.inputs) }
            guard problems.isEmpty else { throw RunRequestError(problems) }
        }
        // State kept inside the repository is ignored by git; a failure here costs only that (the run still goes on).
        try? IgnoredStateDirectory.prepare(root + "/.slipway")
        var options = RunOptions(
            repositoryRoot: root, event: event, secrets: secretValues, vars: vars, env: environment, jobFilter: jobFilter,
            dryRun: dryRun, actionMap: actionMap, repoMap: repoMap, stateDirectory: root + "/.slipway")
        options.repository = git
        options.actor = actor ?? git.userName ?? ProcessInfo.processInfo.environment["USER"] ?? "slipway"
        options.environments = try environments()
        options.workspaceMode = workspaceMode
        options.registryMirrors = registryMirrors
        let matching = workflows.filter { $0.triggers.contains { $0.matches(event) } }
        return PreparedRun(workflows: workflows, matching: matching, options: options, warnings: warnings)
    }

    /// The event as GitHub would deliver it: `ref` and `after`, a push's `head_commit`/`commits`/`pusher`, a pull
    /// request's base and head, then the given payload on top; dispatch inputs from the payload, then `inputs`.
    func workflowEvent(git: GitRepository) async throws(RunRequestError) -> WorkflowEvent {
        let eventRef = ref ?? git.headRef ?? "refs/heads/main"
        let eventSHA = sha ?? git.headSHA ?? String(repeating: "0", count: 40)
        var payload: [(String, ExpressionValue)] = [("ref", .string(eventRef)), ("after", .string(eventSHA))]
        if event == "push", let commit = await GitRepository.payloadCommit(repositoryRoot, sha: eventSHA) {
            payload += [("head_commit", .object(commit)), ("commits", .array([.object(commit)]))]
            if let pusher = commit["committer"] { payload.append(("pusher", pusher)) }
        }
        if event == "pull_request" || event == "pull_request_target" {
            payload = [
                ("action", .string(action ?? "opened")),
                (
                    "pull_request",
                    .object(
                        ExpressionObject([
                            ("base", .object(ExpressionObject([("ref", .string(baseRef ?? "main"))]))),
                            ("head", .object(ExpressionObject([("ref", .string(eventRef)), ("sha", .string(eventSHA))]))),
                        ]))
                ),
            ]
        }
        if let payloadJSON {
            let parsed: ExpressionValue
            do { parsed = try JSON.parse(payloadJSON) } catch { throw RunRequestError(["\(payloadSource): \(error)"]) }
            guard case .object(let given) = parsed else {
                throw RunRequestError(["\(payloadSource): the event payload must be a JSON object"])
            }
            var merged = ExpressionObject(payload)
            for (key, value) in given.pairs { merged = merged.setting(key, value) }
            payload = merged.pairs
        }
        let object = ExpressionObject(payload)
        var inputValues: [String: String] = [:]
        if let given = object["inputs"]?.objectValue {
            for (key, value) in given.pairs { inputValues[key] = value.coercedString }
        }
        inputValues.merge(inputs) { $1 }
        let pullRequest = event.hasPrefix("pull_request")
        return WorkflowEvent(
            name: event, ref: eventRef, sha: eventSHA, changedPaths: changedPaths, action: action,
            baseRef: baseRef ?? (pullRequest ? object["pull_request"]?["base"]["ref"].stringValue : nil),
            headRef: pullRequest ? (object["pull_request"]?["head"]["ref"].stringValue ?? eventRef) : nil,
            inputs: inputValues, payload: object
        )
    }

    /// `workflow_dispatch` inputs checked against a workflow's declarations: required ones present, booleans, numbers
    /// and choices well-formed, no undeclared names (when the workflow declares any).
    static func inputProblems(_ workflow: Workflow, _ given: [String: String]) -> [String] {
        guard let trigger = workflow.trigger("workflow_dispatch") else { return [] }
        var problems: [String] = []
        for spec in trigger.inputs {
            let value = given[spec.name]
            if spec.required, value == nil, spec.defaultValue == nil {
                problems.append("\(spec.location): input '\(spec.name)' is required")
            }
            guard let value else { continue }
            switch spec.kind {
            case .boolean where value != "true" && value != "false":
                problems.append("\(spec.location): input '\(spec.name)' must be true or false, got '\(value)'")
            case .number where NumberSyntax.parseLenient(value).isNaN:
                problems.append("\(spec.location): input '\(spec.name)' must be a number, got '\(value)'")
            case .choice where !spec.options.contains(value):
                problems.append(
                    "\(spec.location): input '\(spec.name)' must be one of \(spec.options.joined(separator: ", ")), got '\(value)'")
            default: break
            }
        }
        let declared = Set(trigger.inputs.map(\.name))
        for name in given.keys.sorted() where !declared.contains(name) && !trigger.inputs.isEmpty {
            problems.append("\(workflow.path): unexpected input '\(name)'")
        }
        return problems
    }

    static func dotenv(_ file: String, what: String) throws(RunRequestError) -> [(String, String)] {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw RunRequestError(["cannot read \(what) file '\(file)'"])
        }
        do { return try DotEnv.parse(text, file: file) } catch { throw RunRequestError([error.description]) }
    }
}
