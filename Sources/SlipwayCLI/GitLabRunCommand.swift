import ArgumentParser
import Core
import Delivery
import Foundation
import GitLabCI
import Runner

/// `slipway gitlab run`: the pipeline GitLab would create for a push (or a trigger, web, schedule or API request) of
/// the working repository, run on this machine and kept in the run store.
struct GitLabRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the repository's GitLab CI pipeline as GitLab would for a source (push, trigger, web, schedule, api)."
    )

    @OptionGroup var files: GitLabFileOptions

    @Option(help: "CI_PIPELINE_SOURCE: push, trigger, web, schedule, api, merge_request_event, pipeline, chat, external.")
    var source: String = "push"

    @Option(help: "The branch or tag (default: the current branch).")
    var ref: String?

    @Option(help: "The commit before the push, for rules: changes (default: the commit's parent).")
    var before: String?

    @Option(name: .customLong("variable"), help: "A pipeline variable KEY=VALUE, above every other (repeatable).")
    var variables: [String] = []

    @Option(name: .customLong("manual"), help: "Play this manual job as soon as it can run (repeatable).")
    var manual: [String] = []

    @Option(help: "Where jobs run: 'worktree' (a fresh worktree of the commit per job, the default) or 'shared' (the working tree).")
    var workspace: String = "worktree"

    @Flag(help: "Print one JSON object (the pipeline's status and its jobs) instead of the live log.")
    var json = false

    static let sources: Set<String> = [
        "push", "trigger", "web", "schedule", "api", "merge_request_event", "pipeline", "parent_pipeline", "chat", "external",
        "external_pull_request_event", "ondemand_dast_scan", "security_orchestration_policy",
    ]

    func run() async throws {
        guard Self.sources.contains(source) else {
            throw ValidationError("--source must be one of \(Self.sources.sorted().joined(separator: ", ")), not '\(source)'")
        }
        guard ["worktree", "shared"].contains(workspace) else {
            throw ValidationError("--workspace must be 'worktree' or 'shared', not '\(workspace)'")
        }
        let pipelineVariables = try parsePairs(variables, what: "--variable").sorted { $0.key < $1.key }
            .map { GitLabVariable(name: $0.key, value: $0.value) }
        let config = try await files.load()
        let root = files.root
        let context = await PipelineContext.fromRepository(
            root: root, source: source, ref: ref, before: before, variables: pipelineVariables)
        let plan: PipelinePlan
        do {
            plan = try PipelinePlanner(config: config, context: context).plan()
        } catch {
            FileHandle.standardError.write(Data("Pipeline could not be created:\n\(error.description)\n".utf8))
            throw ExitCode(2)
        }
        var options = PipelineRunOptions(repositoryRoot: root, configPath: files.file, reporter: TerminalReporter(quiet: json))
        options.recorder = RunStorePipelineRecorder(path: "\(root)/.slipway/slipway.sqlite", configPath: files.file)
        options.play = Set(manual)
        options.sharedWorkspace = workspace == "shared"
        options.kubeconfig = files.kubeconfig(for: config, stateDirectory: options.stateDirectory)
        PipelineHost.prepare(&options)
        defer { if let path = options.kubeconfig { try? FileManager.default.removeItem(atPath: path) } }
        let runner = PipelineRunner(config: config, plan: plan, context: context, options: options)
        let result = await runner.run()
        if json {
            print(Self.json(result))
        } else {
            Self.summarize(result)
        }
        if [.failed, .canceled].contains(result.status) { throw ExitCode(1) }
    }

    static func json(_ result: PipelineResult) -> String {
        var object: [String: Any] = [
            "id": result.id, "status": result.status.rawValue, "source": result.source, "ref": result.ref, "sha": result.sha,
            "duration": result.duration,
            "jobs": result.jobs.map { job -> [String: Any] in
                var entry: [String: Any] = [
                    "id": job.id, "name": job.name, "stage": job.stage, "status": job.status.rawValue, "allow_failure": job.allowFailure,
                    "when": job.when.rawValue, "attempts": job.attempts, "duration": job.duration,
                ]
                if let code = job.exitCode { entry["exit_code"] = code }
                if let reason = job.failureReason { entry["failure_reason"] = reason }
                return entry
            },
        ]
        if let reason = result.notCreatedReason { object["message"] = reason }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    static func summarize(_ result: PipelineResult) {
        if let reason = result.notCreatedReason {
            print("No pipeline: \(reason)")
            return
        }
        print("")
        for job in result.jobs {
            let note = job.allowFailure && job.status == .failed ? " (allowed to fail)" : ""
            print("  \(job.status.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) \(job.stage) › \(job.name)\(note)")
        }
        print("Pipeline \(result.id): \(result.status.rawValue)")
    }
}
