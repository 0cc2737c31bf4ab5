import Core
import Expressions
import Foundation
import Workflows

/// Runs a job a server sent (`RemoteJobSpec`) on this machine, with the same executor as a local run: the workflow
/// is loaded from the spec's text, the contexts are the server's except where they describe this machine
/// (`github.workspace`, `runner`), and every output is masked with the run's secrets.
public struct RemoteJobExecution: Sendable {
    public let spec: RemoteJobSpec
    public let runnerName: String
    /// A checkout of the event's commit: the job's workspace.
    public let workspace: String
    /// This job's own state directory on the runner (artifacts, temp, tool cache).
    public let stateDirectory: String
    public var actions: ActionRegistry = .none
    public var containers: (any JobContainerProvider)?

    public init(spec: RemoteJobSpec, runnerName: String, workspace: String, stateDirectory: String) {
        self.spec = spec
        self.runnerName = runnerName
        self.workspace = workspace
        self.stateDirectory = stateDirectory
    }

    /// Runs the job; a workflow or job that cannot be read is a failed job saying why.
    public func run(reporter: any RunReporter) async -> JobRecord {
        let started = Date()
        func failed(_ reason: String) async -> JobRecord {
            await reporter.line(spec.displayName, "❌ \(reason)")
            return JobRecord(
                jobID: spec.jobID, name: spec.displayName, result: .failure, outputs: [:], steps: [], startedAt: started, duration: 0,
                log: [reason], failureReason: reason)
        }
        let workflow: Workflow
        do { workflow = try WorkflowLoader.load(text: spec.workflowText, path: spec.workflowPath) } catch {
            return await failed("the runner cannot load \(spec.workflowPath): \(error)")
        }
        guard let job = workflow.job(spec.jobID) else { return await failed("\(spec.workflowPath) has no job '\(spec.jobID)'") }
        var values: [String: ExpressionValue] = [:]
        for (name, text) in spec.contexts {
            do { values[name] = try JSON.parse(text) } catch {
                return await failed("the server sent an unreadable '\(name)' context: \(error)")
            }
        }
        var context = ExpressionContext(values: values)
        if var github = context["github"]?.objectValue {
            github = github.setting("workspace", .string(workspace))
            context["github"] = .object(github)
        }
        context["runner"] = .object(
            ExpressionObject([
                ("os", "Linux"), ("arch", .string(RunnerPlatform.architecture)), ("name", .string(runnerName)),
                ("environment", "self-hosted"), ("temp", .string("\(stateDirectory)/tmp")),
                ("tool_cache", .string("\(stateDirectory)/toolcache")),
            ]))
        var options = RunOptions(
            repositoryRoot: workspace, event: WorkflowEvent(name: spec.event, ref: spec.ref, sha: spec.sha), env: spec.env,
            runID: spec.runID, runNumber: spec.runNumber, stateDirectory: stateDirectory)
        options.workspaceMode = .shared
        options.actions = actions
        options.containers = containers
        options.registryMirrors = spec.registryMirrors
        options.maskedValues = spec.masked
        let deadline = spec.timeoutMinutes.map { ContinuousClock.now + .milliseconds(Int64($0 * 60_000)) }
        var executor = JobExecutor(
            workflow: workflow, job: job, displayName: spec.displayName, options: options, masker: SecretMasker(secrets: spec.masked),
            reporter: reporter, baseContext: context, workspace: workspace, jobDirectory: "\(stateDirectory)/job",
            scratchDirectory: ScratchSpace.directory(forRun: spec.runID, job: spec.jobID), deadline: deadline)
        executor.runnerEnvironment["RUNNER_NAME"] = runnerName
        var record = await executor.run()
        if let deadline, let minutes = spec.timeoutMinutes, ContinuousClock.now >= deadline, record.result != .success {
            record.result = .failure
            record.failureReason =
                "The job running on runner \(runnerName) has exceeded the maximum execution time of \(NumberSyntax.format(minutes)) minutes."
            await reporter.line(spec.displayName, "❌ \(record.failureReason ?? "")")
        }
        return record
    }
}
