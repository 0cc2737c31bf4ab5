import ArgumentParser
import Core
import Expressions
import Foundation
import Runner
import Store
import Synchronization
import Workflows

/// `slipway run [EVENT]`: runs the workflows whose triggers match the event, then the `workflow_run` chain they start.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the workflows that an event triggers, then any workflow_run chain they start."
    )

    @Argument(help: "The event: push, pull_request, workflow_dispatch, ... (default: push).")
    var event: String = "push"

    @Option(name: [.customShort("W"), .customLong("workflows")], help: "A workflow file or directory (default: .github/workflows).")
    var workflowsPath: String = ".github/workflows"

    @Option(name: [.customShort("j"), .customLong("job")], help: "Run only this job and the jobs it needs.")
    var job: String?

    @Option(help: "The git ref of the event, e.g. refs/heads/main or refs/tags/v1.2.3 (default: the current branch).")
    var ref: String?

    @Option(help: "The commit SHA of the event (default: HEAD).")
    var sha: String?

    @Option(help: "Base branch of a pull_request event.")
    var baseRef: String?

    @Option(help: "Activity type of the event (pull_request: opened, synchronize, ...).")
    var action: String?

    @Option(name: [.customShort("e"), .customLong("event-path")], help: "A JSON file with the event payload (github.event).")
    var eventPath: String?

    @Option(name: .customLong("changed"), help: "A changed path for paths filters (repeatable; default: unknown, filters pass).")
    var changedPaths: [String] = []

    @Option(name: [.customShort("s"), .customLong("secret")], help: "A secret NAME=VALUE (repeatable).")
    var secrets: [String] = []

    @Option(help: "A dotenv file of secrets.")
    var secretFile: String?

    @Option(name: .customLong("var"), help: "A configuration variable NAME=VALUE (repeatable).")
    var vars: [String] = []

    @Option(name: .customLong("env"), help: "An environment variable for every step NAME=VALUE (repeatable).")
    var envs: [String] = []

    @Option(name: .customLong("env-file"), help: "A dotenv file of environment variables for every step (as --env).")
    var envFile: String?

    @Option(name: .customLong("input"), help: "A workflow_dispatch input NAME=VALUE (repeatable).")
    var inputs: [String] = []

    @Option(name: .customLong("action-map"), help: "Use a local directory for a remote action: owner/repo@ref=PATH (repeatable).")
    var actionMaps: [String] = []

    @Option(name: .customLong("repo-map"), help: "Use a local repository for actions/checkout of another repository: owner/name=PATH.")
    var repoMaps: [String] = []

    @Option(help: "Where jobs run: 'worktree' (each job in its own git worktree of the event's commit, the default) or 'shared' (the working tree, uncommitted changes included).")
    var workspace: String = "worktree"

    @Flag(name: [.short, .long], help: "List the workflows and jobs the event would run, without running them.")
    var list = false

    @Flag(help: "Print the job graph of the matching workflows.")
    var graph = false

    @Flag(name: [.short, .customLong("dry-run")], help: "Plan and evaluate conditions, but execute nothing.")
    var dryRun = false

    @Flag(help: "Print a JSON summary instead of live output.")
    var json = false

    func run() async throws {
        do {
            try await execute()
        } catch let failure as ValidationFailure {
            FileHandle.standardError.write(Data("error: \(failure)\n".utf8))
            throw ExitCode(2)
        }
    }

    /// `--env-file` first, then `--env` on top.
    func environment() throws -> [String: String] {
        var result: [String: String] = [:]
        if let envFile {
            guard let text = try? String(contentsOfFile: envFile, encoding: .utf8) else {
                throw ValidationFailure("cannot read env file '\(envFile)'")
            }
            for (k, v) in try DotEnv.parse(text, file: envFile) { result[k] = v }
        }
        for (k, v) in try parsePairs(envs, what: "--env") { result[k] = v }
        return result
    }

    func execute() async throws {
        let root = FileManager.default.currentDirectoryPath
        let files = try WorkflowDiscovery.files(at: workflowsPath)
        let (workflows, diagnostics) = WorkflowDiscovery.load(files, relativeTo: root, repositories: try parsePairs(repoMaps, what: "--repo-map"))
        for warning in workflows.flatMap(\.warnings) { FileHandle.standardError.write(Data("\(warning) (warning)\n".utf8)) }
        if !diagnostics.isEmpty {
            for diagnostic in diagnostics { FileHandle.standardError.write(Data("\(diagnostic)\n".utf8)) }
            throw ExitCode(2)
        }
        var secretValues: [String: String] = [:]
        if let secretFile {
            guard let text = try? String(contentsOfFile: secretFile, encoding: .utf8) else {
                throw ValidationFailure("cannot read secret file '\(secretFile)'")
            }
            for (k, v) in try DotEnv.parse(text, file: secretFile) { secretValues[k.uppercased()] = v }
        }
        for (k, v) in try parsePairs(secrets, what: "--secret") { secretValues[k.uppercased()] = v }
        for name in secretValues.keys where name.hasPrefix("GITHUB_") {
            throw ValidationFailure("secret names must not start with GITHUB_: '\(name)'")
        }
        let git = await GitRepository.inspect(root)
        let eventRef = ref ?? git.headRef ?? "refs/heads/main"
        let eventSHA = sha ?? git.headSHA ?? String(repeating: "0", count: 40)
        var inputValues: [String: String] = [:]
        var payload: [(String, ExpressionValue)] = [("ref", .string(eventRef)), ("after", .string(eventSHA))]
        if event == "push", let commit = await GitRepository.payloadCommit(root, sha: eventSHA) {
            payload += [("head_commit", .object(commit)), ("commits", .array([.object(commit)]))]
            if let pusher = commit["committer"] { payload.append(("pusher", pusher)) }
        }
        if event == "pull_request" || event == "pull_request_target" {
            payload = [("action", .string(action ?? "opened")), ("pull_request", .object(ExpressionObject([
                ("base", .object(ExpressionObject([("ref", .string(baseRef ?? "main"))]))),
                ("head", .object(ExpressionObject([("ref", .string(eventRef)), ("sha", .string(eventSHA))]))),
            ])))]
        }
        if let eventPath {
            guard let text = try? String(contentsOfFile: eventPath, encoding: .utf8) else {
                throw ValidationFailure("cannot read event file '\(eventPath)'")
            }
            do {
                guard case .object(let given) = try JSON.parse(text) else { throw ValidationFailure("\(eventPath): the event payload must be a JSON object") }
                var merged = ExpressionObject(payload)
                for (k, v) in given.pairs { merged = merged.setting(k, v) }
                payload = merged.pairs
            } catch let error as JSON.SyntaxError {
                throw ValidationFailure("\(eventPath): \(error)")
            }
        }
        // Dispatch inputs: those in the event file, then --input on top.
        if let given = ExpressionObject(payload)["inputs"]?.objectValue {
            for (key, value) in given.pairs { inputValues[key] = value.coercedString }
        }
        for (key, value) in try parsePairs(inputs, what: "--input") { inputValues[key] = value }
        let prBase = ExpressionObject(payload)["pull_request"]?["base"]["ref"].stringValue
        let prHead = ExpressionObject(payload)["pull_request"]?["head"]["ref"].stringValue
        let workflowEvent = WorkflowEvent(
            name: event, ref: eventRef, sha: eventSHA, changedPaths: changedPaths.isEmpty ? nil : changedPaths,
            action: action, baseRef: baseRef ?? (event.hasPrefix("pull_request") ? prBase : nil),
            headRef: event.hasPrefix("pull_request") ? (prHead ?? eventRef) : nil,
            inputs: inputValues, payload: ExpressionObject(payload)
        )
        // Validate dispatch inputs against their declarations before running anything.
        if event == "workflow_dispatch" {
            for workflow in workflows where workflow.trigger("workflow_dispatch") != nil {
                try checkInputs(workflow, inputValues)
            }
        }
        let matching = workflows.filter { $0.triggers.contains { $0.matches(workflowEvent) } }
        if list || graph {
            for workflow in matching {
                print("\(workflow.displayName) (\(workflow.path))")
                for job in workflow.jobs {
                    print(graph && !job.needs.isEmpty ? "  \(job.id) ← \(job.needs.joined(separator: ", "))" : "  \(job.id)")
                }
            }
            return
        }
        if matching.isEmpty {
            print("no workflow matches event '\(event)' on \(eventRef)")
            return
        }
        let state = "\(root)/.slipway"
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        let reporter = TerminalReporter(quiet: json)
        let gate = ConcurrencyGate()
        var baseOptions = RunOptions(
            repositoryRoot: root, event: workflowEvent, secrets: secretValues, vars: try parsePairs(vars, what: "--var"),
            env: try environment(), jobFilter: job, dryRun: dryRun,
            actionMap: try parsePairs(actionMaps, what: "--action-map"), repoMap: try parsePairs(repoMaps, what: "--repo-map"),
            stateDirectory: state
        )
        baseOptions.repository = git
        guard let mode = WorkspaceMode(rawValue: workspace) else {
            throw ValidationFailure("--workspace must be 'worktree' or 'shared', not '\(workspace)'")
        }
        baseOptions.workspaceMode = mode
        if mode == .worktree, !dryRun,
            let status = try? await CapturedCommand.run("git", ["-C", root, "status", "--porcelain", "--untracked-files=no"]),
            status.succeeded, !status.standardOutput.isEmpty
        {
            FileHandle.standardError.write(Data("note: jobs run on commit \(eventSHA.prefix(12)); uncommitted changes are not part of the run (--workspace shared runs on the working tree)\n".utf8))
        }
        let recorder = RunRecorder(path: dryRun ? nil : RunStore.path(forRepository: root))
        let dispatch = EventDispatch(
            workflows: workflows, options: baseOptions, reporter: reporter, gate: gate,
            firstRunID: Int(Date().timeIntervalSince1970 * 1000) % 1_000_000_000)
        let records = await dispatch.run { record in recorder.save(record) }
        let stored = recorder.savedIDs
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.dateEncodingStrategy = .iso8601
            print(String(decoding: try encoder.encode(records), as: UTF8.self))
        } else {
            printSummary(records)
            if !stored.isEmpty {
                print("recorded as run\(stored.count == 1 ? "" : "s") \(stored.map(String.init).joined(separator: ", ")); see `slipway logs RUN [JOB]`")
            }
        }
        if records.contains(where: { $0.result == .failure || $0.result == .cancelled }) { throw ExitCode(1) }
    }

    func checkInputs(_ workflow: Workflow, _ given: [String: String]) throws {
        guard let trigger = workflow.trigger("workflow_dispatch") else { return }
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
                problems.append("\(spec.location): input '\(spec.name)' must be one of \(spec.options.joined(separator: ", ")), got '\(value)'")
            default: break
            }
        }
        let declared = Set(trigger.inputs.map(\.name))
        for name in given.keys where !declared.contains(name) && !trigger.inputs.isEmpty {
            problems.append("\(workflow.path): unexpected input '\(name)'")
        }
        if !problems.isEmpty { throw ValidationFailure(problems.joined(separator: "\n")) }
    }

    func printSummary(_ records: [RunRecord]) {
        print("")
        print(pad("WORKFLOW", 28) + pad("JOB", 36) + pad("RESULT", 11) + "DURATION")
        for record in records {
            for job in record.jobs {
                print(pad(record.workflowName, 28) + pad(job.name, 36) + pad(job.result.rawValue, 11) + String(format: "%.2fs", job.duration))
            }
        }
    }

    /// `s` padded (or cut) to `width` terminal columns; CJK and other wide characters take two.
    func pad(_ s: String, _ width: Int) -> String {
        var result = ""
        var used = 0
        for character in s {
            let columns = Self.columns(character)
            if used + columns > width - 1 { break }
            result.append(character)
            used += columns
        }
        return result + String(repeating: " ", count: width - used)
    }

    static func columns(_ character: Character) -> Int {
        guard let scalar = character.unicodeScalars.first else { return 0 }
        switch scalar.value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
            0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x1F300...0x1FAFF,
            0x20000...0x3FFFD:
            return 2
        default:
            return 1
        }
    }
}

/// Records finished runs in the store, opened on the first save (a failure to open it is reported once).
final class RunRecorder: Sendable {
    private struct State {
        var store: RunStore?
        var opened = false
        var ids: [Int64] = []
    }

    private let path: String?
    private let state = Mutex(State())

    init(path: String?) {
        self.path = path
    }

    func save(_ record: RunRecord) {
        guard let path else { return }
        state.withLock { state in
            if !state.opened {
                state.opened = true
                do { state.store = try RunStore(path: path) } catch {
                    FileHandle.standardError.write(Data("warning: runs will not be recorded: \(error)\n".utf8))
                }
            }
            guard let store = state.store else { return }
            do {
                state.ids.append(try record.save(to: store))
            } catch {
                FileHandle.standardError.write(Data("warning: could not record the run of \(record.workflowPath): \(error)\n".utf8))
            }
        }
    }

    var savedIDs: [Int64] { state.withLock { $0.ids } }
}
