import ArgumentParser
import Core
import Expressions
import Foundation
import Runner
import Store
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
        var runID = Int(Date().timeIntervalSince1970 * 1000) % 1_000_000_000
        var records: [RunRecord] = []
        var queue: [(Workflow, WorkflowEvent, Int)] = matching.map { ($0, workflowEvent, 0) }
        var baseOptions = RunOptions(
            repositoryRoot: root, event: workflowEvent, secrets: secretValues, vars: try parsePairs(vars, what: "--var"),
            env: try environment(), jobFilter: job, dryRun: dryRun,
            actionMap: try parsePairs(actionMaps, what: "--action-map"), repoMap: try parsePairs(repoMaps, what: "--repo-map"),
            stateDirectory: state
        )
        baseOptions.repository = git
        var store: RunStore?
        if !dryRun {
            do { store = try RunStore(path: RunStore.path(forRepository: root)) } catch {
                FileHandle.standardError.write(Data("warning: runs will not be recorded: \(error)\n".utf8))
            }
        }
        var storedIDs: [Int64] = []
        while !queue.isEmpty {
            let batch = queue
            queue.removeAll()
            let finished: [RunRecord] = await withTaskGroup(of: RunRecord.self) { group in
                for (workflow, event, _) in batch {
                    runID += 1
                    var options = baseOptions
                    options.event = event
                    options.runID = runID
                    group.addTask { await WorkflowRunner(workflow: workflow, options: options, reporter: reporter, gate: gate).run() }
                }
                var all: [RunRecord] = []
                for await record in group { all.append(record) }
                return all
            }
            records.append(contentsOf: finished)
            for record in finished {
                do {
                    if let store { storedIDs.append(try record.save(to: store)) }
                } catch {
                    FileHandle.standardError.write(Data("warning: could not record the run of \(record.workflowPath): \(error)\n".utf8))
                }
            }
            // workflow_run: completed runs trigger the workflows that name them (at most 3 levels).
            for record in finished {
                let depth = batch.first { $0.0.path == record.workflowPath }?.2 ?? 0
                guard depth < 3 else { continue }
                let runPayload = ExpressionObject([
                    ("name", .string(record.workflowName)), ("conclusion", .string(record.result.rawValue)),
                    ("status", "completed"), ("head_sha", .string(record.sha)), ("head_branch", .string(WorkflowEvent(name: "", ref: record.ref, sha: "").refName)),
                    ("event", .string(record.event)), ("id", .number(Double(record.runID))), ("path", .string(record.workflowPath)),
                ])
                let chained = WorkflowEvent(
                    name: "workflow_run", ref: eventRef, sha: eventSHA, action: "completed", workflowRun: runPayload,
                    payload: ExpressionObject([("action", "completed"), ("workflow_run", .object(runPayload))])
                )
                for workflow in workflows where workflow.triggers.contains(where: { $0.matches(chained) }) {
                    queue.append((workflow, chained, depth + 1))
                }
            }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.dateEncodingStrategy = .iso8601
            print(String(decoding: try encoder.encode(records), as: UTF8.self))
        } else {
            printSummary(records)
            if !storedIDs.isEmpty {
                print("recorded as run\(storedIDs.count == 1 ? "" : "s") \(storedIDs.map(String.init).joined(separator: ", ")); see `slipway logs RUN [JOB]`")
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

    func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? String(s.prefix(width - 1)) + " " : s + String(repeating: " ", count: width - s.count)
    }
}
