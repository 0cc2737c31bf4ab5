import ArgumentParser
import Core
import Delivery
import Foundation
import GitLabCI
import Store

/// What `play`, `retry` and `cancel` share: the recorded pipeline, its file at the pipeline's commit, the action.
struct GitLabPipelineActionOptions: ParsableArguments {
    @OptionGroup var files: GitLabFileOptions

    @Argument(help: "The pipeline's run id (slipway runs).")
    var pipeline: Int64

    @Flag(help: "Print one JSON object (the pipeline's status and its jobs) instead of the live log.")
    var json = false

    func perform(_ action: PipelineAction) async throws {
        let root = files.root
        let recorder = RunStorePipelineRecorder(path: "\(root)/.slipway/slipway.sqlite", configPath: files.file)
        let recorded: (run: RunStore.Run, snapshot: PipelineSnapshot)?
        do { recorded = try recorder.snapshot(of: pipeline) } catch {
            throw CommandFailure("cannot read pipeline \(pipeline): \(error)")
        }
        guard let (run, snapshot) = recorded else {
            throw CommandFailure("run \(pipeline) is not a GitLab pipeline that has ended (see slipway runs)")
        }
        if run.status != "completed" {
            if action == .cancel, let pid = run.pid {
                // The process running it cancels its jobs and records them as canceled.
                kill(pid_t(truncatingIfNeeded: pid), SIGTERM)
                print("Pipeline \(pipeline): cancel requested from the process running it (pid \(pid))")
                return
            }
            throw CommandFailure("pipeline \(pipeline) is still in progress")
        }
        let config = try await Self.config(root: root, sha: snapshot.context.sha, file: snapshot.configPath, loader: files.loader())
        let plan: PipelinePlan
        do { plan = try PipelinePlanner(config: config, context: snapshot.context).plan() } catch {
            throw CommandFailure("pipeline \(pipeline) cannot be planned again: \(error)")
        }
        var options = PipelineRunOptions(repositoryRoot: root, configPath: snapshot.configPath, reporter: TerminalReporter(quiet: json))
        options.recorder = recorder
        options.kubeconfig = files.kubeconfig(for: config, stateDirectory: options.stateDirectory)
        PipelineHost.prepare(&options)
        defer { if let path = options.kubeconfig { try? FileManager.default.removeItem(atPath: path) } }
        let runner = PipelineRunner(config: config, plan: plan, context: snapshot.context, options: options)
        let result: PipelineResult
        do { result = try await runner.resume(snapshot, action: action, recordID: pipeline) } catch {
            throw CommandFailure("\(error)")
        }
        if json { print(GitLabRunCommand.json(result)) } else { GitLabRunCommand.summarize(result) }
        if [.failed, .canceled].contains(result.status) { throw ExitCode(1) }
    }

    /// The CI file as it was at the pipeline's commit (read from a worktree of it), else as it is now.
    static func config(root: String, sha: String, file: String, loader: GitLabConfigLoader) async throws -> GitLabConfig {
        var loader = loader
        loader.configPath = file
        let git = Git(directory: root)
        let directory = "\(root)/.slipway/gitlab/config-\(UUID().uuidString.prefix(8))"
        var worktree = false
        if !sha.isEmpty, (try? await git.run(["worktree", "add", "--detach", "-q", directory, sha])) != nil {
            worktree = true
            loader.repositoryRoot = directory
        }
        defer {
            if worktree {
                try? FileManager.default.removeItem(atPath: directory)
                Task.detached { _ = await git.succeeds(["worktree", "prune"]) }
            }
        }
        do { return try await loader.load() } catch {
            FileHandle.standardError.write(Data("This GitLab CI configuration is invalid:\n\(error.description)\n".utf8))
            throw ExitCode(2)
        }
    }
}

/// `slipway gitlab play PIPELINE JOB…`: plays manual jobs of a recorded pipeline, then goes on with it.
struct GitLabPlayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "play", abstract: "Play manual jobs of a recorded pipeline.")

    @OptionGroup var pipeline: GitLabPipelineActionOptions

    @Argument(help: "The manual job(s) to play (a job's name plays each of its parallel instances).")
    var jobs: [String]

    func run() async throws { try await pipeline.perform(.play(jobs)) }
}

/// `slipway gitlab retry PIPELINE [JOB…]`: retries the failed (and canceled) jobs of a recorded pipeline.
struct GitLabRetryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry", abstract: "Retry a recorded pipeline's failed and canceled jobs (or only those named).")

    @OptionGroup var pipeline: GitLabPipelineActionOptions

    @Argument(help: "Jobs to retry (default: every failed or canceled job).")
    var jobs: [String] = []

    func run() async throws { try await pipeline.perform(.retry(jobs.isEmpty ? nil : jobs)) }
}

/// `slipway gitlab cancel PIPELINE`: cancels what has not finished (a running pipeline's process is told to stop).
struct GitLabCancelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel", abstract: "Cancel a pipeline's unfinished jobs (manual jobs waiting, or the jobs of a running one).")

    @OptionGroup var pipeline: GitLabPipelineActionOptions

    func run() async throws { try await pipeline.perform(.cancel) }
}
