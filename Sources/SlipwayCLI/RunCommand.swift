import ArgumentParser
import Core
import Delivery
import Expressions
import Foundation
import Runner
import Workflows

/// `slipway run [EVENT]`: runs the workflows whose triggers match the event, then the `workflow_run` chain they start.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the workflows that an event triggers, then any workflow_run chain they start."
    )

    @Argument(help: "The event: push, pull_request, workflow_dispatch, ... (default: push).")
    var event: String = "push"

    @Option(name: [.customShort("C"), .customLong("directory")], help: "The repository to run in (default: the current directory).")
    var directory: String?

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

    @Option(help: "Who triggers the run (github.actor; default: git's user.name).")
    var actor: String?

    @Option(name: .customLong("input"), help: "A workflow_dispatch input NAME=VALUE (repeatable).")
    var inputs: [String] = []

    @Option(name: .customLong("action-map"), help: "Use a local directory for a remote action: owner/repo@ref=PATH (repeatable).")
    var actionMaps: [String] = []

    @Option(name: .customLong("repo-map"), help: "Use a local repository for actions/checkout of another repository: owner/name=PATH.")
    var repoMaps: [String] = []

    @Option(
        name: .customLong("registry-mirror"),
        help: "Pull container: and services: images of REGISTRY from MIRROR first: docker.io=127.0.0.1:5000 (repeatable).")
    var registryMirrors: [String] = []

    @Option(
        help: """
            Where jobs run: 'worktree' (each job in its own git worktree of the event's commit, the default) or 'shared' \
            (the working tree, uncommitted changes included).
            """
    )
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
        let prepared: PreparedRun
        // Whether the working tree has uncommitted changes (for a note), asked while the run is being prepared.
        let current = FileManager.default.currentDirectoryPath
        let root = directory.map { $0.hasPrefix("/") ? $0 : current + "/" + $0 } ?? current
        let uncommitted = Task {
            try? await CapturedCommand.run("git", ["-C", root, "status", "--porcelain", "--untracked-files=no"])
        }
        do {
            prepared = try await request().prepare()
        } catch {
            for problem in error.problems { FileHandle.standardError.write(Data("\(Self.errorLine(problem))\n".utf8)) }
            throw ExitCode(2)
        }
        for warning in prepared.warnings { FileHandle.standardError.write(Data("\(warning)\n".utf8)) }
        if prepared.matching.isEmpty {
            print("no workflow matches event '\(event)' on \(prepared.event.ref)")
            return
        }
        if list || graph {
            for workflow in prepared.matching {
                print("\(workflow.displayName) (\(workflow.path))")
                for job in workflow.jobs {
                    print(graph && !job.needs.isEmpty ? "  \(job.id) ← \(job.needs.joined(separator: ", "))" : "  \(job.id)")
                }
            }
            return
        }
        if prepared.options.workspaceMode == .worktree, !dryRun, let status = await uncommitted.value, status.succeeded,
            !status.standardOutput.isEmpty
        {
            let note =
                "note: jobs run on commit \(prepared.event.sha.prefix(12)); uncommitted changes are not part of the run "
                + "(--workspace shared runs on the working tree)\n"
            FileHandle.standardError.write(Data(note.utf8))
        }
        let records = await WorkflowRuns.run(prepared, reporter: TerminalReporter(quiet: json))
        for record in records {
            if let problem = record.recordingError {
                FileHandle.standardError.write(Data("warning: could not record the run of \(record.workflowPath): \(problem)\n".utf8))
            }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.dateEncodingStrategy = .iso8601
            print(String(decoding: try encoder.encode(records), as: UTF8.self))
        } else {
            printSummary(records)
            let stored = records.compactMap(\.recordID)
            if !stored.isEmpty {
                print(
                    "recorded as run\(stored.count == 1 ? "" : "s") \(stored.map(String.init).joined(separator: ", ")); see `slipway "
                        + "logs RUN [JOB]`"
                )
            }
        }
        if records.contains(where: { $0.result == .failure || $0.result == .cancelled }) { throw ExitCode(1) }
    }

    /// Problems with a position print as they are; the others as `error: …`.
    static func errorLine(_ problem: String) -> String {
        problem.range(of: #"^[^\s:]+:\d+:\d+: "#, options: .regularExpression) != nil ? problem : "error: \(problem)"
    }

    /// The request the flags describe.
    func request() throws(RunRequestError) -> RunRequest {
        let current = FileManager.default.currentDirectoryPath
        let root = directory.map { $0.hasPrefix("/") ? $0 : current + "/" + $0 } ?? current
        var request = RunRequest(repositoryRoot: URL(fileURLWithPath: root).standardizedFileURL.path, event: event)
        request.workflowsPath = workflowsPath
        request.ref = ref
        request.sha = sha
        request.baseRef = baseRef
        request.action = action
        if let eventPath {
            guard let text = try? String(contentsOfFile: eventPath, encoding: .utf8) else {
                throw RunRequestError(["cannot read event file '\(eventPath)'"])
            }
            request.payloadJSON = text
            request.payloadSource = eventPath
        }
        request.changedPaths = changedPaths.isEmpty ? nil : changedPaths
        request.secrets = try Self.pairs(secrets, "--secret")
        request.secretFiles = secretFile.map { [$0] } ?? []
        request.vars = try Self.pairs(vars, "--var")
        request.env = try Self.pairs(envs, "--env")
        request.envFiles = envFile.map { [$0] } ?? []
        request.inputs = try Self.pairs(inputs, "--input")
        request.actionMap = try Self.pairs(actionMaps, "--action-map")
        request.repoMap = try Self.pairs(repoMaps, "--repo-map")
        request.registryMirrors = try Self.pairs(registryMirrors, "--registry-mirror")
        request.jobFilter = job
        request.actor = actor
        guard let mode = WorkspaceMode(rawValue: workspace) else {
            throw RunRequestError(["--workspace must be 'worktree' or 'shared', not '\(workspace)'"])
        }
        request.workspaceMode = mode
        request.dryRun = dryRun
        return request
    }

    static func pairs(_ values: [String], _ what: String) throws(RunRequestError) -> [String: String] {
        do { return try parsePairs(values, what: what) } catch { throw RunRequestError([error.description]) }
    }

    func printSummary(_ records: [RunRecord]) {
        print("")
        print(pad("WORKFLOW", 28) + pad("JOB", 36) + pad("RESULT", 11) + "DURATION")
        for record in records {
            for job in record.jobs {
                print(
                    pad(record.workflowName, 28) + pad(job.name, 36) + pad(job.result.rawValue, 11) + String(format: "%.2fs", job.duration))
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
