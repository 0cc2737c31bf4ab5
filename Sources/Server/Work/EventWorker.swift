import Core
import Delivery
import Foundation
import Logging
import Runner
import ServiceLifecycle
import Store

/// Runs queued events: fetches the project, checks out the event's commit, runs the workflows the event matches and
/// records them. At start, events a killed server left running are failed once with the reason "server restarted"
/// (never started twice); on graceful shutdown the runs in progress are cancelled and their events failed, saying so.
public final class EventWorker: Service {
    let store: ServerStore
    let mirrors: ProjectMirrors
    let workRoot: String
    let logger: Logger
    let signal = WorkSignal()
    /// Shared by every event, so concurrency groups work across events as on GitHub.
    let gate = ConcurrencyGate()
    /// What runs print, as they print it.
    let liveLog: LiveLog
    /// Opens the projects' secrets for their runs.
    let secrets: SecretBox
    /// Told each time a project's mirror was fetched (its `slipway.yaml` may have changed).
    let supervisor: ApplicationSupervisor?

    public static let restartedReason = "server restarted"
    /// GitLab pipelines' artifacts and caches, per project.
    let gitlabRoot: String
    /// The local target GitLab jobs reach through KUBECONFIG, when it runs.
    let targetDataDirectory: String?
    /// This data directory's mark on the processes of its events' steps.
    let instance: String
    /// The server's OIDC issuer, for jobs with `id-token: write`.
    let idTokens: (any IDTokenIssuing)?
    /// Deliveries running at once; a job waiting for reviewers gives its slot back.
    let slots: WorkerSlots
    /// GitLab pipelines running now, so the cancel endpoint can stop them.
    let runningPipelines = RunningPipelines()
    /// Where `actions/checkout` (and `uses:` of a reusable workflow) finds another repository (`owner/name` → path or
    /// URL), over what the projects' own repositories resolve.
    let repositoryMap: [String: String]
    /// This replica's id when several servers share the database (PostgreSQL); nil for the only server of a SQLite
    /// store.
    let replica: String?
    /// Tells the other replicas (new work, new lines); nothing for a single server.
    let broadcast: @Sendable (String) -> Void
    /// Where self-hosted jobs go: the runners registered with this server.
    let runnerJobs: RunnerJobDispatcher?

    init(
        store: ServerStore, mirrors: ProjectMirrors, secrets: SecretBox, dataDirectory: String, concurrency: Int,
        supervisor: ApplicationSupervisor?, idTokens: (any IDTokenIssuing)? = nil, targetDataDirectory: String? = nil,
        repositoryMap: [String: String] = [:], runnerJobs: RunnerJobDispatcher? = nil, replica: String? = nil,
        broadcast: @escaping @Sendable (String) -> Void = { _ in },
        logger: Logger
    ) {
        self.replica = replica
        self.runnerJobs = runnerJobs
        self.broadcast = broadcast
        self.store = store
        self.repositoryMap = repositoryMap
        self.targetDataDirectory = targetDataDirectory
        self.idTokens = idTokens
        self.secrets = secrets
        instance = OrphanSteps.instance(dataDirectory: dataDirectory)
        self.mirrors = mirrors
        self.supervisor = supervisor
        workRoot = dataDirectory + "/work"
        gitlabRoot = dataDirectory + "/gitlab"
        slots = WorkerSlots(limit: concurrency)
        self.logger = logger
        liveLog = LiveLog(store: store, logger: logger, broadcast: broadcast)
    }

    /// Work was queued.
    func wake() {
        signal.signal()
        broadcast(ReplicaService.Notice.work)
    }

    public func run() async throws {
        let orphans = OrphanSteps.kill(instance: instance)
        if !orphans.isEmpty { logger.warning("killed \(orphans.count) step process(es) a previous server left running: \(orphans)") }
        // Replicas end only dead replicas' events (`ReplicaService`); the only server ends every event left running.
        if replica == nil {
            let abandoned = try store.failAbandonedEvents(reason: Self.restartedReason)
            if !abandoned.isEmpty { logger.warning("failed \(abandoned.count) event(s) a previous server left running: \(abandoned)") }
            let pipelines = try store.failAbandonedPipelines(reason: Self.restartedReason)
            if !pipelines.isEmpty { logger.warning("failed \(pipelines.count) pipeline(s) a previous server left running: \(pipelines)") }
        }
        try? FileManager.default.removeItem(atPath: workRoot)
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                while !Task.isCancelled {
                    guard await self.slots.acquire() else { break }
                    let claimed: EventRow?
                    do {
                        claimed = try self.store.claimNextEvent(owner: self.replica)
                    } catch {
                        self.logger.error("cannot read the event queue: \(error)")
                        await self.slots.release()
                        await self.signal.wait()
                        continue
                    }
                    guard let event = claimed else {
                        await self.slots.release()
                        await self.signal.wait()
                        continue
                    }
                    group.addTask {
                        await self.process(event)
                        await self.slots.release()
                    }
                }
            }
        }
    }

    func process(_ event: EventRow) async {
        guard let id = event.id else { return }
        let (state, reason) = await outcome(of: event, id: id)
        // Every line is stored before the delivery is seen to end, so a live reader that sees the end has had them all.
        await liveLog.flush()
        do { try store.finishEvent(id, state: state, reason: reason) } catch {
            logger.error("cannot record the end of event \(id): \(error)")
        }
        liveLog.changes.bump()
        broadcast(ReplicaService.Notice.changes)
    }

    private func outcome(of event: EventRow, id: Int64) async -> (EventRow.State, String?) {
        let directory = "\(workRoot)/event-\(id)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            guard let project = try store.project(id: event.projectId), let projectId = project.id else {
                return (.failed, "the project was removed")
            }
            try await mirrors.refresh(project)
            // The applications' configuration is read beside the runs, not before them: it is not theirs to wait for.
            if let supervisor { Task { await supervisor.refreshed(project) } }
            try await mirrors.checkout(project, sha: event.sha, at: directory)
            switch event.event {
            case Self.triggerEvent:
                guard let pipelineId = Self.payloadNumber(event.payload, "pipeline_id") else {
                    return (.failed, "no pipeline in the event")
                }
                return await runPipeline(pipelineId, project: project, eventId: id, directory: directory)
            case Self.pipelineActionEvent:
                guard let pipelineId = Self.payloadNumber(event.payload, "pipeline_id"), let action = Self.pipelineAction(event.payload)
                else { return (.failed, "no pipeline action in the event") }
                return await continuePipeline(pipelineId, action: action, project: project, eventId: id, directory: directory)
            default: break
            }
            let gitlabOutcome = await pushPipeline(event, project: project, eventId: id, directory: directory)
            if let gitlabOutcome, !FileManager.default.fileExists(atPath: directory + "/.github/workflows") { return gitlabOutcome }
            var request = RunRequest(repositoryRoot: directory, event: event.event)
            request.ref = event.ref
            request.sha = event.sha
            request.action = event.action
            request.baseRef = event.baseRef
            // GitHub and Gitea payloads are what `github.event` is on GitHub; GitLab's are not, so Slipway builds one.
            if event.source != WebhookProvider.gitlab.rawValue {
                request.payloadJSON = event.payload
                request.payloadSource = "the \(event.source) delivery \(event.deliveryId)"
            }
            request.changedPaths = Self.changedPaths(event.payload)
            request.actor = Self.actor(event.payload)
            request.env[OrphanSteps.variable] = "\(instance):\(id)"
            request.repoMap = try Self.repositories(of: store.projects()).merging(repositoryMap) { _, configured in configured }
            for row in try store.variables(projectId: projectId) { request.vars[row.name] = row.value }
            for row in try store.secrets(projectId: projectId) {
                do { request.secrets[row.name] = try secrets.open(row.sealed) } catch {
                    return (.failed, "the secret \(row.name) cannot be opened with this server's key (\(error)); set it again")
                }
            }
            for row in try store.environmentSecrets(projectId: projectId) {
                do { request.environmentSecrets[row.environment, default: [:]][row.name] = try secrets.open(row.sealed) } catch {
                    return (
                        .failed,
                        "the secret \(row.name) of environment \(row.environment) cannot be opened with this server's key; set it again"
                    )
                }
            }
            var prepared: PreparedRun
            do { prepared = try await request.prepare() } catch { return (.failed, error.description) }
            prepared.options.idTokens = idTokens
            prepared.options.remoteJobs = runnerJobs
            prepared.options.remoteRepository = project.repository
            let recorder = RunStoreRecorder(store: store.runs, projectId: projectId, eventId: id)
            prepared.options.deploymentReviews = SlotReleasingReviews(inner: recorder.deploymentReviews, slots: slots)
            let reporter = LiveLogReporter(log: liveLog, eventId: id)
            let records = await WorkflowRuns.run(prepared, reporter: reporter, gate: gate, recorder: recorder)
            if Task.isCancelled { return (.failed, "the server stopped while the event's runs were in progress") }
            let unrecorded = records.filter { $0.recordID == nil }
            if let first = unrecorded.first {
                return (.failed, "\(unrecorded.count) run(s) could not be recorded: \(first.recordingError ?? "unknown error")")
            }
            if let gitlabOutcome, gitlabOutcome.0 == .failed { return gitlabOutcome }
            return (.completed, records.isEmpty && gitlabOutcome == nil ? "no workflow matched" : nil)
        } catch is CancellationError {
            return (.failed, "the server stopped before the event's runs started")
        } catch {
            return (.failed, "\(error)")
        }
    }

    /// The repositories the server's projects hold, by the `owner/name` their URL or path ends with (`…/my-org/app.git`
    /// is `my-org/app`), as GitHub finds `owner/name` on its host; a name two projects end with belongs to neither.
    static func repositories(of projects: [ProjectRow]) -> [String: String] {
        var found: [String: String] = [:]
        var ambiguous: Set<String> = []
        for project in projects {
            var path = project.repository
            while path.hasSuffix("/") { path.removeLast() }
            if path.hasSuffix(".git") { path.removeLast(4) }
            let parts = path.split(whereSeparator: { $0 == "/" || $0 == ":" }).suffix(2)
            guard parts.count == 2 else { continue }
            let name = parts.joined(separator: "/")
            if found[name] != nil { ambiguous.insert(name) }
            found[name] = project.repository
        }
        for name in ambiguous { found[name] = nil }
        return found
    }

    /// The paths a push's commits touched, for `paths` filters; nil when the payload does not list them all.
    static func changedPaths(_ payload: String) -> [String]? {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(payload.utf8))) as? [String: Any],
            let commits = object["commits"] as? [[String: Any]], !commits.isEmpty, commits.count < 2048,
            (object["total_commits_count"] as? Int).map({ $0 <= commits.count }) ?? true
        else { return nil }
        var paths: [String] = []
        for commit in commits {
            for key in ["added", "removed", "modified"] {
                guard let list = commit[key] as? [String] else { return nil }
                paths += list
            }
        }
        return Array(Set(paths)).sorted()
    }

    /// Who triggered the event (`github.actor`): GitHub's and Gitea's `sender.login`, GitLab's `user_username`, else
    /// the pusher's name; nil when the payload names nobody (the mirror's git identity is used then).
    static func actor(_ payload: String) -> String? {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(payload.utf8))) as? [String: Any] else { return nil }
        let candidates = [
            (object["sender"] as? [String: Any])?["login"] as? String, object["user_username"] as? String,
            (object["pusher"] as? [String: Any])?["name"] as? String,
        ]
        return candidates.compactMap { $0 }.first { !$0.isEmpty }
    }
}
