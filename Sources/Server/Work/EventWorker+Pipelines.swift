import Core
import Delivery
import Foundation
import GitLabCI
import Logging
import Runner
import Store

/// GitLab pipelines in the server: the trigger API's (`CI_PIPELINE_SOURCE=trigger`, the trigger's variables over the
/// file's, `TRIGGER_PAYLOAD` as a file variable), pushes to projects with a `.gitlab-ci.yml` (`push`), and manual jobs
/// played through `POST /api/v4/projects/:id/jobs/:job_id/play`, which go on with the recorded pipeline.
extension EventWorker {
    static let configPath = ".gitlab-ci.yml"
    /// Events of the queue that are about pipelines rather than workflow runs.
    static let triggerEvent = "trigger"
    /// Play, retry and cancel of a recorded pipeline (`action` in the payload: `play` with `job`, `retry`, `cancel`).
    static let pipelineActionEvent = "pipeline-action"

    /// A push to a project with a `.gitlab-ci.yml` also starts a `push` pipeline, as on GitLab; nil when the commit has
    /// no such file (or the event is no push).
    func pushPipeline(_ event: EventRow, project: ProjectRow, eventId: Int64, directory: String) async -> (EventRow.State, String?)? {
        guard event.event == "push", let projectId = project.id,
            FileManager.default.fileExists(atPath: "\(directory)/\(Self.configPath)")
        else { return nil }
        let isTag = event.ref.hasPrefix("refs/tags/")
        let ref = event.ref.replacingOccurrences(of: isTag ? "refs/tags/" : "refs/heads/", with: "")
        do {
            let row = try store.addPipeline(
                PipelineRow(
                    projectId: projectId, ref: ref, sha: event.sha, tag: isTag, status: "created", source: "push", variables: "{}",
                    triggerPayload: nil, triggerId: nil, createdAt: Date().timeIntervalSince1970))
            guard let pipelineId = row.id else { return (.failed, "the pipeline was not recorded") }
            return await runPipeline(pipelineId, project: project, eventId: eventId, directory: directory)
        } catch {
            return (.failed, "cannot record the push pipeline: \(error)")
        }
    }

    static func payloadNumber(_ payload: String, _ key: String) -> Int64? {
        let object = (try? JSONSerialization.jsonObject(with: Data(payload.utf8))) as? [String: Any]
        return (object?[key] as? NSNumber)?.int64Value
    }

    static func payloadString(_ payload: String, _ key: String) -> String? {
        ((try? JSONSerialization.jsonObject(with: Data(payload.utf8))) as? [String: Any])?[key] as? String
    }

    /// Runs the pipeline `pipelineId` in `directory` (a checkout of its commit); answers the event's outcome.
    func runPipeline(_ pipelineId: Int64, project: ProjectRow, eventId: Int64, directory: String) async -> (EventRow.State, String?) {
        do {
            guard let row = try store.pipeline(id: pipelineId), let projectId = project.id else {
                return (.failed, "pipeline \(pipelineId) does not exist")
            }
            let config: GitLabConfig
            do { config = try await GitLabConfigLoader(repositoryRoot: directory, configPath: Self.configPath).load() } catch {
                try store.updatePipeline(pipelineId, status: "failed", reason: error.description)
                return (.failed, "the pipeline's \(Self.configPath) is invalid: \(error.description)")
            }
            var context = try await pipelineContext(row, project: project, directory: directory)
            let secrets = try projectSecrets(projectId)
            context.projectVariables = try variables(projectId) + secrets
            let plan: PipelinePlan
            do { plan = try PipelinePlanner(config: config, context: context).plan() } catch {
                try store.updatePipeline(pipelineId, status: "failed", reason: error.description)
                return (.failed, error.description)
            }
            let recorder = RunStorePipelineRecorder(store: store.runs, configPath: Self.configPath, projectId: projectId, eventId: eventId)
            let options = pipelineOptions(
                config: config, directory: directory, projectId: projectId, eventId: eventId, recorder: recorder, secrets: secrets)
            let runner = PipelineRunner(config: config, plan: plan, context: context, options: options)
            let running = Task { await runner.run() }
            // Registered before it is seen running, so a cancel request always finds it.
            await runningPipelines.started(pipelineId, running)
            try store.updatePipeline(pipelineId, status: "running")
            let result = await running.value
            await runningPipelines.ended(pipelineId)
            try store.updatePipeline(pipelineId, status: result.status.rawValue, runId: result.recordID, reason: result.notCreatedReason)
            liveLog.changes.bump()
            if Task.isCancelled { return (.failed, "the server stopped while the pipeline was running") }
            return (.completed, result.notCreatedReason)
        } catch {
            try? store.updatePipeline(pipelineId, status: "failed", reason: "\(error)")
            return (.failed, "\(error)")
        }
    }

    /// Goes on with a recorded pipeline: plays a manual job, retries its failed jobs or cancels what waits.
    func continuePipeline(_ pipelineId: Int64, action: PipelineAction, project: ProjectRow, eventId: Int64, directory: String) async
        -> (EventRow.State, String?)
    {
        do {
            guard let row = try store.pipeline(id: pipelineId), let runId = row.runId, let projectId = project.id else {
                return (.failed, "pipeline \(pipelineId) has no recorded run")
            }
            let recorder = RunStorePipelineRecorder(store: store.runs, configPath: Self.configPath, projectId: projectId, eventId: eventId)
            guard var snapshot = try recorder.snapshot(of: runId)?.1 else {
                return (.failed, "pipeline \(pipelineId) is still running")
            }
            let secrets = try projectSecrets(projectId)
            snapshot.context.projectVariables = try variables(projectId) + secrets
            let config: GitLabConfig
            do { config = try await GitLabConfigLoader(repositoryRoot: directory, configPath: snapshot.configPath).load() } catch {
                return (.failed, "the pipeline's \(snapshot.configPath) is invalid: \(error.description)")
            }
            let plan: PipelinePlan
            do { plan = try PipelinePlanner(config: config, context: snapshot.context).plan() } catch {
                return (.failed, error.description)
            }
            let options = pipelineOptions(
                config: config, directory: directory, projectId: projectId, eventId: eventId, recorder: recorder, secrets: secrets)
            let runner = PipelineRunner(config: config, plan: plan, context: snapshot.context, options: options)
            let previous = row.status
            let running = Task { () async throws(PipelineActionError) -> PipelineResult in
                try await runner.resume(snapshot, action: action, recordID: runId)
            }
            await runningPipelines.started(pipelineId, running)
            try store.updatePipeline(pipelineId, status: "running")
            let outcome = await running.result
            await runningPipelines.ended(pipelineId)
            let result: PipelineResult
            switch outcome {
            case .success(let value): result = value
            case .failure(let error):
                try store.updatePipeline(pipelineId, status: previous == "pending" ? "manual" : previous)
                return (.failed, "\(error)")
            }
            try store.updatePipeline(pipelineId, status: result.status.rawValue)
            liveLog.changes.bump()
            return (.completed, nil)
        } catch {
            return (.failed, "\(error)")
        }
    }

    /// The project's variables as GitLab project variables (shown as they are).
    func variables(_ projectId: Int64) throws -> [GitLabVariable] {
        try store.variables(projectId: projectId).map { GitLabVariable(name: $0.name, value: $0.value) }
    }

    /// The project's secrets as GitLab project variables (masked in logs); they come after its variables.
    func projectSecrets(_ projectId: Int64) throws -> [GitLabVariable] {
        try store.secrets(projectId: projectId).map { row in
            GitLabVariable(name: row.name, value: try secrets.open(row.sealed), expand: false)
        }
    }

    func pipelineOptions(
        config: GitLabConfig, directory: String, projectId: Int64, eventId: Int64, recorder: RunStorePipelineRecorder,
        secrets: [GitLabVariable]
    ) -> PipelineRunOptions {
        var options = PipelineRunOptions(
            repositoryRoot: directory, configPath: Self.configPath, reporter: LiveLogReporter(log: liveLog, eventId: eventId))
        // Artifacts and caches outlive the event's checkout: a job played later still gets its upstream's artifacts.
        options.stateDirectory = "\(gitlabRoot)/project-\(projectId)"
        options.recorder = recorder
        options.maskedValues = secrets.map(\.value)
        options.hostEnvironment[OrphanSteps.variable] = "\(instance):\(eventId)"
        options.concurrency = max(1, slots.limit)
        PipelineHost.prepare(&options)
        if let targetDataDirectory {
            do {
                options.kubeconfig =
                    try LocalTargetKubeconfig.write(
                        targetDataDirectory: targetDataDirectory, contexts: [], config: config,
                        to: "\(directory)/.slipway-kubeconfig-\(eventId)")?.path
            } catch {
                logger.warning("no KUBECONFIG for the pipeline's jobs: \(error)")
            }
        }
        return options
    }

    /// What GitLab knows when it creates the pipeline: the row's ref, commit, source and variables, the commit's files
    /// and message, and for a trigger the file variable `TRIGGER_PAYLOAD`.
    func pipelineContext(_ row: PipelineRow, project: ProjectRow, directory: String) async throws -> PipelineContext {
        var variables: [GitLabVariable] = []
        if let object = try? JSONSerialization.jsonObject(with: Data(row.variables.utf8)) as? [String: String] {
            variables = object.sorted { $0.key < $1.key }.map { GitLabVariable(name: $0.key, value: $0.value) }
        }
        if row.source == "trigger", let payload = row.triggerPayload {
            variables.append(GitLabVariable(name: "TRIGGER_PAYLOAD", value: payload, expand: false, isFile: true))
        }
        var context = await PipelineContext.fromRepository(
            root: directory, source: row.source, ref: row.ref, before: nil, variables: variables, sha: row.sha, isTag: row.tag)
        context.pipelineID = row.id ?? 0
        context.pipelineIID = row.iid
        context.projectID = project.id ?? 0
        context.projectPath = "slipway/\(project.name)"
        context.projectURL = "\(context.serverURL)/\(context.projectPath)"
        context.defaultBranch = project.defaultBranch
        return context
    }
}

extension EventWorker {
    /// The action an event's payload names.
    static func pipelineAction(_ payload: String) -> PipelineAction? {
        switch payloadString(payload, "action") {
        case "play": payloadString(payload, "job").map { .play([$0]) }
        case "retry": .retry(payloadString(payload, "job").map { [$0] })
        case "cancel": .cancel
        default: nil
        }
    }
}

/// The GitLab pipelines the worker is running, each as a task the cancel endpoint can cancel (its jobs' processes are
/// stopped and the pipeline ends `canceled`).
actor RunningPipelines {
    private var tasks: [Int64: @Sendable () -> Void] = [:]

    func started<Success: Sendable, Failure: Error>(_ pipelineId: Int64, _ task: Task<Success, Failure>) {
        tasks[pipelineId] = { task.cancel() }
    }

    func ended(_ pipelineId: Int64) { tasks[pipelineId] = nil }

    /// Cancels a running pipeline; false when it is not running here.
    func cancel(_ pipelineId: Int64) -> Bool {
        guard let cancel = tasks[pipelineId] else { return false }
        cancel()
        return true
    }
}
