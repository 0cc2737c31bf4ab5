import Core
import Foundation
import Logging
import Runner
import ServiceLifecycle
import Store
import Synchronization

/// Sends self-hosted jobs to the runners: each job instance is queued in the store (its specification sealed with the
/// server's key), taken by one runner, and waited for here — its log lines forwarded as they arrive, its runner's
/// heartbeats watched, its result and artifacts taken back. Any replica can serve the runner's requests: everything
/// goes through the store, and `changes` wakes the waiting side (locally, and through the database's notices).
///
/// As a service it only marks the server as stopping, first of all services: runners waiting for a job are answered at
/// once then, so their held requests do not keep the listener from closing.
final class RunnerJobDispatcher: RemoteJobDispatching, Service {
    let store: ServerStore
    let secrets: SecretBox
    /// How long a running job's runner may stay silent before the job is failed.
    let heartbeatTimeout: Duration
    /// Bumped whenever a runner job changes (a runner's request here, or another replica's notice).
    let changes = ChangeCounter()
    let broadcast: @Sendable (String) -> Void
    let logger: Logger

    /// How long a job waits for a runner: 24 hours, as on GitHub.
    let queueLimit: Duration
    private let stopping = Mutex(false)

    static let notice = "runners"

    init(
        store: ServerStore, secrets: SecretBox, heartbeatTimeout: Duration, queueLimit: Duration = .seconds(24 * 3600),
        broadcast: @escaping @Sendable (String) -> Void, logger: Logger
    ) {
        self.queueLimit = queueLimit
        self.store = store
        self.secrets = secrets
        self.heartbeatTimeout = heartbeatTimeout
        self.broadcast = broadcast
        self.logger = logger
    }

    /// Whether the server is stopping: no job is given to a runner any more.
    var isStopping: Bool { stopping.withLock { $0 } }

    func run() async throws {
        try? await gracefulShutdown()
        stopping.withLock { $0 = true }
        changes.bump()
    }

    /// How often runners beat: a third of the timeout, so one lost beat is no job lost.
    var heartbeatSeconds: Double { max(0.5, heartbeatTimeout.seconds / 3) }

    /// A runner job changed here: wake this server's waiters and tell the other replicas.
    func announce() {
        changes.bump()
        broadcast(Self.notice)
    }

    func run(_ request: RemoteJobRequest, line: @escaping @Sendable (String) async -> Void) async -> JobRecord {
        let spec = request.spec
        let started = Date()
        func ended(_ result: Conclusion, _ reason: String) async -> JobRecord {
            await line(result == .failure ? "❌ \(reason)" : reason)
            return JobRecord(
                jobID: spec.jobID, name: spec.displayName, result: result, outputs: [:], steps: [], startedAt: started,
                duration: Date().timeIntervalSince(started), log: [reason], failureReason: reason)
        }
        let artifacts = "\(request.stateDirectory)/artifacts/\(spec.runID)"
        let id: Int64
        do {
            let sealed = try secrets.seal(String(decoding: try RunnerProtocol.encoder.encode(spec), as: UTF8.self))
            var row = RunnerJobRow(
                runId: request.runRecordID, name: spec.displayName, labels: spec.labels, spec: sealed,
                createdAt: Date().timeIntervalSince1970)
            if spec.downloadsArtifacts { row.inputs = try await ArtifactArchive.pack(artifacts) }
            guard let queued = try store.queueRunnerJob(row).id else { return await ended(.failure, "the job could not be queued") }
            id = queued
        } catch {
            return await ended(.failure, "the job could not be queued for a runner: \(error)")
        }
        announce()
        await line(
            "⏳ waiting for a runner with the labels \(RunnerJobRow.labelText(spec.labels).replacingOccurrences(of: ",", with: ", "))")
        defer { try? store.closeRunnerJob(id) }
        var position: Int64 = 0
        var announcedRunner = false
        while true {
            let seen = changes.value
            do {
                position = try await forwardLines(of: id, after: position, to: line)
                guard let job = try store.runnerJob(id: id) else { return await ended(.failure, "the job's record disappeared") }
                if !announcedRunner, let name = job.runnerName {
                    announcedRunner = true
                    await line("🏃 taken by the runner \(name)")
                }
                switch job.state {
                case .queued where Date().timeIntervalSince1970 - job.createdAt > queueLimit.seconds:
                    let reason = "no runner with the labels \(job.labels) took the job within \(Self.describe(queueLimit))"
                    _ = try store.endRunnerJob(id, .cancel, reason: reason)
                    announce()
                    return await ended(.failure, reason)
                case .queued, .running:
                    if Task.isCancelled {
                        _ = try store.endRunnerJob(id, .cancel, reason: "the run was cancelled")
                        announce()
                        let reason = job.state == .running ? "cancelled: the runner was told to stop" : "cancelled before a runner took it"
                        return await ended(.cancelled, reason)
                    }
                    let now = Date().timeIntervalSince1970
                    if job.state == .running, let beat = job.heartbeatAt, now - beat > heartbeatTimeout.seconds {
                        _ = try store.endRunnerJob(
                            id, .heartbeatTimeout,
                            reason: "the runner \(job.runnerName ?? "?") stopped answering: no heartbeat for \(Self.seconds(now - beat))",
                            silentSince: now - heartbeatTimeout.seconds)
                        announce()
                        continue
                    }
                case .finished:
                    position = try await forwardLines(of: id, after: position, to: line)
                    return await finished(job, artifacts: artifacts, ended: ended)
                case .lost, .cancelled:
                    let result: Conclusion = job.state == .lost ? .failure : .cancelled
                    return await ended(result, job.reason ?? "the job ended without a result")
                }
            } catch {
                logger.warning("runner job \(id): \(error)")
                if Task.isCancelled { return await ended(.cancelled, "cancelled while the store did not answer") }
            }
            _ = await changes.wait(beyond: seen, atMost: .seconds(1))
        }
    }

    /// Forwards the lines after `position`; answers the last one's position.
    private func forwardLines(of id: Int64, after position: Int64, to line: @Sendable (String) async -> Void) async throws -> Int64 {
        var position = position
        while true {
            let batch = try store.runnerJobLines(id, after: position)
            for (at, text) in batch {
                position = at
                await line(text)
            }
            if batch.count < 1000 { return position }
        }
    }

    private func finished(
        _ job: RunnerJobRow, artifacts: String, ended: (Conclusion, String) async -> JobRecord
    ) async -> JobRecord {
        guard let text = job.result, let result = try? RunnerProtocol.decoder.decode(RunnerProtocol.Result.self, from: Data(text.utf8))
        else { return await ended(.failure, "the runner \(job.runnerName ?? "?") sent an unreadable result") }
        if let outputs = job.outputs {
            do { try await ArtifactArchive.unpack(outputs, into: artifacts) } catch {
                return await ended(.failure, "the artifacts the job uploaded cannot be kept: \(error)")
            }
        }
        return result.record
    }

    static func seconds(_ value: Double) -> String { "\(Int(value.rounded())) s" }

    static func describe(_ duration: Duration) -> String {
        duration >= .seconds(3600) ? "\(Int(duration.seconds / 3600)) hours" : String(format: "%g s", duration.seconds)
    }
}
