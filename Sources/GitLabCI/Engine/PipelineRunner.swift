import Core
import Foundation
import Runner

/// Runs a planned pipeline as GitLab processes one: each job waits in `created` until its prerequisites (its `needs`,
/// or every job of the earlier stages) settle, then starts, becomes `manual` or `scheduled`, or is skipped
/// (`PipelineScheduling`); failures are retried per `retry`; jobs of one `resource_group` run one at a time.
public struct PipelineRunner: Sendable {
    public let config: GitLabConfig
    public let plan: PipelinePlan
    public let context: PipelineContext
    public let options: PipelineRunOptions

    public init(config: GitLabConfig, plan: PipelinePlan, context: PipelineContext, options: PipelineRunOptions) {
        self.config = config
        self.plan = plan
        self.context = context
        self.options = options
    }

    enum Event: Sendable {
        case finished(String, JobOutcome)
        case timer(String)
    }

    /// Runs to the end (or until only manual jobs are left waiting) and answers what happened.
    public func run() async -> PipelineResult {
        var context = self.context
        var recordID: Int64?
        if let recorder = options.recorder {
            recordID = try? await recorder.started(context, name: config.workflowName ?? "pipeline")
            if context.pipelineID == 0, let recordID { context.pipelineID = recordID }
        }
        if context.pipelineID == 0 { context.pipelineID = 1 }
        guard plan.isCreated else {
            let result = PipelineResult(
                id: context.pipelineID, status: .skipped, source: context.source, ref: context.ref, sha: context.sha, jobs: [],
                duration: 0, notCreatedReason: plan.notCreatedReason, recordID: recordID)
            let snapshot = SchedulerState(plan: plan, play: []).snapshot(context: context, configPath: options.configPath)
            try? await options.recorder?.finished(result, snapshot: snapshot)
            return result
        }
        return await process(SchedulerState(plan: plan, play: options.play), context: context, recordID: recordID)
    }

    /// Goes on with a pipeline left waiting or ended: plays manual jobs, retries failed ones or cancels what waits,
    /// then processes it as before. `recordID` is the run it was recorded as.
    public func resume(_ snapshot: PipelineSnapshot, action: PipelineAction, recordID: Int64?) async throws(PipelineActionError)
        -> PipelineResult
    {
        var state = SchedulerState(plan: plan, play: options.play, snapshot: snapshot)
        try state.apply(action)
        if let recorder = options.recorder, let recordID {
            guard (try? await recorder.resumed(recordID)) == true else {
                throw PipelineActionError("pipeline \(recordID) is in progress in another process")
            }
        }
        return await process(state, context: snapshot.context, recordID: recordID)
    }

    private func process(_ initial: SchedulerState, context: PipelineContext, recordID: Int64?) async -> PipelineResult {
        let clock = ContinuousClock.now
        // State kept inside the repository is ignored by git; a failure here costs only that (the jobs still run).
        let inside = options.repositoryRoot + "/.slipway"
        if options.stateDirectory.hasPrefix(inside + "/") { try? IgnoredStateDirectory.prepare(inside) }
        var state = initial
        // The job token is a credential in GitLab, masked like the project's secrets.
        let jobToken = "glcbt-" + UUID().uuidString.lowercased()
        let masker = SecretMasker(secrets: options.maskedValues + [jobToken])
        let shared = PipelineRunContext(
            config: config, context: context, repositoryRoot: options.repositoryRoot, configPath: options.configPath,
            stateDirectory: options.stateDirectory, hostEnvironment: options.hostEnvironment, masker: masker,
            reporter: options.reporter, kubeconfig: options.kubeconfig, jobToken: jobToken,
            workspaces: GitLabWorkspaces(
                repositoryRoot: options.repositoryRoot, sha: context.sha,
                directory: "\(options.stateDirectory)/builds/\(context.pipelineID)-\(UUID().uuidString.prefix(6))",
                shared: options.sharedWorkspace),
            containers: options.containers)
        let jobIDs = Dictionary(
            plan.jobs.enumerated().map { ($1.name, Int(context.pipelineID) * 1000 + $0 + 1) }, uniquingKeysWith: { first, _ in first })
        let definitions = Dictionary(config.jobs.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })

        await withTaskGroup(of: Event.self) { group in
            var running = 0
            func launch() {
                let changes = state.process()
                for name in changes.timers {
                    let delay = state.job(name)?.startIn ?? 0
                    group.addTask {
                        try? await Task.sleep(for: .milliseconds(Int64(delay * 1000)))
                        return .timer(name)
                    }
                }
                while running < options.concurrency, let name = state.nextToStart() {
                    guard let job = state.job(name), let definition = definitions[job.jobName] else { continue }
                    running += 1
                    state.markRunning(name)
                    let attempt = state.attempts[name, default: 1]
                    let upstream = state.upstream(of: job)
                    let id = jobIDs[name] ?? 0
                    group.addTask {
                        await shared.reporter.jobStarted(name)
                        let workspace = await shared.workspaces.acquire(for: name)
                        let outcome = await JobExecutor(
                            job: job, definition: definition, run: shared, jobID: id, attempt: attempt, upstream: upstream,
                            workspace: workspace
                        ).execute()
                        await shared.workspaces.release(workspace)
                        await shared.reporter.jobFinished(name, outcome.status.conclusion, duration: outcome.duration)
                        return .finished(name, outcome)
                    }
                }
            }
            if Task.isCancelled { state.cancelWaiting() } else { launch() }
            while let event = await group.next() {
                switch event {
                case .finished(let name, let outcome):
                    running -= 1
                    state.finished(name, outcome: outcome, retry: definitions[state.job(name)?.jobName ?? ""]?.retry ?? GitLabRetry())
                case .timer(let name):
                    state.timerFired(name)
                }
                if Task.isCancelled {
                    state.cancelWaiting()
                    continue
                }
                launch()
            }
            if Task.isCancelled { state.cancelWaiting() }
        }
        await shared.workspaces.drain()

        let jobs = plan.jobs.map { job in
            let outcome = state.outcomes[job.name]
            let status = state.statuses[job.name] ?? .created
            return PipelineJobResult(
                id: jobIDs[job.name] ?? 0, name: job.name, stage: job.stage, status: status,
                allowFailure: state.member(job.name).allowFailure, when: job.when, exitCode: outcome?.exitCode,
                failureReason: outcome?.failureReason, attempts: state.attempts[job.name] ?? 0, startedAt: outcome?.startedAt,
                duration: outcome?.duration ?? 0, log: state.logs[job.name] ?? [])
        }
        let elapsed = ContinuousClock.now - clock
        let result = PipelineResult(
            id: context.pipelineID, status: state.pipelineStatus, source: context.source, ref: context.ref, sha: context.sha, jobs: jobs,
            duration: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, notCreatedReason: nil,
            recordID: recordID)
        try? await options.recorder?.finished(result, snapshot: state.snapshot(context: context, configPath: options.configPath))
        return result
    }
}

extension GitLabJobStatus {
    /// The nearest GitHub-style conclusion, for reporters shared with `slipway run`.
    public var conclusion: Conclusion {
        switch self {
        case .success: .success
        case .failed: .failure
        case .canceled: .cancelled
        default: .skipped
        }
    }
}
