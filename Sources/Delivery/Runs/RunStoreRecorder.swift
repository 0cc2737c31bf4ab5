import Foundation
import Runner
import Store
import Synchronization

/// Records finished runs in a repository's run store (`.slipway/slipway.sqlite`), opened on the first run, so a
/// dry run or a run of nothing creates no file. Jobs of called workflows are stored as `caller / job`.
public final class RunStoreRecorder: RunRecorder {
    private let path: String
    private let store = Mutex<RunStore?>(nil)

    /// The server's project and event the runs belong to.
    private let origin: (projectId: Int64, eventId: Int64)?

    public init(path: String) {
        self.path = path
        origin = nil
    }

    /// Records in an open store (the server's), each run naming the project and the event that started it.
    public init(store: RunStore, projectId: Int64, eventId: Int64) {
        path = ""
        self.store.withLock { $0 = store }
        origin = (projectId, eventId)
    }

    /// The store, opened on first use.
    func openedStore() throws -> RunStore {
        try self.store.withLock { store in
            if let store { return store }
            let opened = try RunStore(path: path)
            store = opened
            return opened
        }
    }

    /// Where jobs of this recorder's runs wait for their environments' reviews: the same store.
    public var deploymentReviews: RunStoreDeploymentReviews { RunStoreDeploymentReviews { try self.openedStore() } }

    public func started(_ run: RunStart) async throws -> Int64? {
        var row = RunStore.Run(
            workflowPath: run.workflowPath, workflowName: run.workflowName, event: run.event, ref: run.ref, sha: run.sha, result: "",
            startedAt: run.startedAt, duration: 0, projectId: origin?.projectId, eventId: origin?.eventId)
        row.actor = run.actor
        return try openedStore().begin(row)
    }

    public func record(_ run: RunRecord) async throws -> Int64 {
        let store = try openedStore()
        if let id = run.recordID {
            try store.finish(id, result: run.result.rawValue, duration: run.duration, jobs: try Self.rows(run.jobs, prefix: ""))
            return id
        }
        var row = Self.row(run)
        row.projectId = origin?.projectId
        row.eventId = origin?.eventId
        return try store.save(row, jobs: try Self.rows(run.jobs, prefix: ""))
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    static func row(_ run: RunRecord) -> RunStore.Run {
        RunStore.Run(
            workflowPath: run.workflowPath, workflowName: run.workflowName, event: run.event, ref: run.ref, sha: run.sha,
            result: run.result.rawValue, startedAt: run.startedAt, duration: run.duration)
    }

    static func rows(_ jobs: [JobRecord], prefix: String) throws -> [RunStore.Job] {
        var result: [RunStore.Job] = []
        for job in jobs {
            let name = prefix + job.name
            result.append(
                RunStore.Job(
                    runId: 0, jobId: job.jobID, name: name, result: job.result.rawValue, startedAt: job.startedAt, duration: job.duration,
                    outputs: String(decoding: try encoder.encode(job.outputs), as: UTF8.self),
                    steps: String(decoding: try encoder.encode(job.steps), as: UTF8.self),
                    failureReason: job.failureReason, log: job.log.joined(separator: "\n")))
            result += try rows(job.calledJobs ?? [], prefix: name + " / ")
        }
        return result
    }
}
