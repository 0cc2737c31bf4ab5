import BuiltinActions
import Core
import Foundation
import Logging
import Runner
import ServiceLifecycle
import Synchronization

/// `slipway runner`: takes jobs whose `runs-on` its labels cover from a Slipway server, one at a time, and runs each
/// with the same executor as the server's own jobs: the commit fetched from the project's repository, the log streamed
/// back as it is written, heartbeats while it runs, artifacts fetched and uploaded, the result reported. A job the
/// server cancels is stopped; a graceful shutdown cancels the running job and reports it before the runner ends.
public struct RunnerAgent: Service, CustomStringConvertible, CustomReflectable {
    public var server: String
    public var token: String
    public var labels: [String]
    /// Mirrors of repositories and each job's files; one runner per directory.
    public var workDirectory: String
    /// Stop after one job.
    public var once = false
    /// How long each request for a job may wait on the server.
    public var wait: Double = 10
    public var logger: Logger

    public init(server: String, token: String, labels: [String], workDirectory: String, logger: Logger) {
        var server = server
        while server.hasSuffix("/") { server.removeLast() }
        self.server = server
        self.token = token
        self.labels = labels
        self.workDirectory = workDirectory
        self.logger = logger
    }

    /// Names the server and labels, never the token: a service group's errors describe their service.
    public var description: String { "slipway runner for \(server) (labels: \(labels.joined(separator: ",")))" }
    public var customMirror: Mirror { Mirror(self, children: ["server": server, "labels": labels, "workDirectory": workDirectory]) }

    public func run() async throws {
        let lock = try claimWorkDirectory()
        defer { close(lock) }
        let connection = RunnerConnection(server: server, token: token)
        try await cancelWhenGracefulShutdown {
            var failures = 0
            while !Task.isCancelled {
                let assigned: RunnerProtocol.AssignedJob?
                do {
                    assigned = try await connection.requestJob(labels: labels, wait: wait)
                    failures = 0
                } catch RunnerAgentError.refused(let server) {
                    throw RunnerAgentError.refused(server: server)
                } catch {
                    if Task.isCancelled { return }
                    failures += 1
                    logger.warning("\(error); asking again")
                    // Backing off from a server that does not answer: 1 s, 2 s, … up to 10 s.
                    try? await Task.sleep(for: .seconds(min(failures, 10)))
                    continue
                }
                guard let assigned else { continue }
                // The job is reported even when the runner stops: its own task is not cancelled with the runner's,
                // only its execution is.
                let control = JobControl()
                let running = Task { await runJob(assigned, connection: connection, control: control) }
                await withTaskCancellationHandler {
                    await running.value
                } onCancel: {
                    control.stop()
                }
                if once { return }
            }
        }
    }

    /// Runs one job and reports it; nothing it does can stop the runner.
    func runJob(_ assigned: RunnerProtocol.AssignedJob, connection: RunnerConnection, control: JobControl) async {
        let spec = assigned.spec
        logger.notice("job \(assigned.id): \(spec.displayName) of run \(spec.runID)")
        let directory = "\(workDirectory)/jobs/\(assigned.id)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let onState: @Sendable (String) -> Void = { state in
            // `cancelled` and `lost` (or a refusal) stop the job; `running` and `finished` are news of nothing.
            guard state != "running", state != "finished" else { return }
            control.stop()
        }
        let reporter = RemoteLogReporter(connection: connection, job: assigned.id, onState: onState)
        let sender = Task { await reporter.send() }
        // The server fails a job whose runner is silent for three beats; a runner that cannot reach its server for
        // that long stops the job too, rather than run on for a job already given up.
        let silenceLimit = assigned.heartbeatSeconds * 3
        let beats = Task {
            var answered = ContinuousClock.now
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(Int64(assigned.heartbeatSeconds * 1000)))
                if Task.isCancelled { return }
                do {
                    onState(try await connection.heartbeat(assigned.id, timeout: max(1, assigned.heartbeatSeconds)))
                    answered = ContinuousClock.now
                } catch {
                    logger.warning("job \(assigned.id): heartbeat: \(error)")
                    if (ContinuousClock.now - answered).seconds > silenceLimit {
                        logger.warning("job \(assigned.id): the server has not answered for \(Int(silenceLimit)) s: the job is stopped")
                        control.stop()
                        return
                    }
                }
            }
        }
        let runnerName = assigned.runnerName
        let introduction = "🏃 runner \(runnerName) (labels: \(labels.joined(separator: ", "))) on \(ProcessInfo.processInfo.hostName)"
        await reporter.line(spec.displayName, introduction)
        let workspace = directory + "/workspace"
        let state = directory + "/state"
        let artifacts = "\(state)/artifacts/\(spec.runID)"
        var record: JobRecord
        do {
            try await RunnerCheckout(root: workDirectory).checkout(spec.repository, sha: spec.sha, at: workspace)
            if spec.downloadsArtifacts, let inputs = try await connection.inputs(assigned.id) {
                try await ArtifactArchive.unpack(inputs, into: artifacts)
            }
            var job = RemoteJobExecution(spec: spec, runnerName: runnerName, workspace: workspace, stateDirectory: state)
            job.actions = StandardActions.registry
            job.containers = StoreContainerProvider(mirrors: spec.registryMirrors)
            let task = Task { await job.run(reporter: reporter) }
            control.started(task)
            record = await task.value
        } catch {
            let reason = "the runner \(runnerName) cannot prepare the job: \(error)"
            await reporter.line(spec.displayName, "❌ \(reason)")
            record = JobRecord(
                jobID: spec.jobID, name: spec.displayName, result: .failure, outputs: [:], steps: [], startedAt: Date(), duration: 0,
                log: [reason], failureReason: reason)
        }
        record.log.insert(introduction, at: 0)
        if let archive = try? await ArtifactArchive.pack(artifacts) {
            do { try await connection.upload(assigned.id, artifacts: archive) } catch {
                logger.warning("job \(assigned.id): the artifacts were not uploaded: \(error)")
            }
        }
        reporter.close()
        await sender.value
        beats.cancel()
        do {
            let state = try await connection.result(assigned.id, record)
            logger.notice("job \(assigned.id): \(record.result.rawValue) (server: \(state))")
        } catch {
            logger.warning("job \(assigned.id): the result was not taken: \(error)")
        }
    }

    /// Holds an exclusive lock on the work directory for as long as the runner runs.
    private func claimWorkDirectory() throws -> Int32 {
        do { try FileManager.default.createDirectory(atPath: workDirectory, withIntermediateDirectories: true) } catch {
            throw RunnerAgentError.workDirectory(workDirectory, reason: "\(error)")
        }
        let descriptor = open(workDirectory + "/runner.lock", O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw RunnerAgentError.workDirectory(workDirectory, reason: String(cString: strerror(errno))) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw RunnerAgentError.workDirectoryTaken(workDirectory)
        }
        try? FileManager.default.removeItem(atPath: workDirectory + "/jobs")
        return descriptor
    }
}

/// Stops a job's execution from outside it: the server cancelled it, or the runner is shutting down.
final class JobControl: Sendable {
    private let state = Mutex<(stopped: Bool, task: Task<JobRecord, Never>?)>((false, nil))

    func stop() {
        state.withLock { state in
            state.stopped = true
            return state.task
        }?.cancel()
    }

    func started(_ task: Task<JobRecord, Never>) {
        let stopped = state.withLock { state in
            state.task = task
            return state.stopped
        }
        if stopped { task.cancel() }
    }
}
