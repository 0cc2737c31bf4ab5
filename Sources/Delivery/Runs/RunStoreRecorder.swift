import Foundation
import Runner
import Store
import Synchronization

/// Records finished runs in a repository's run store (`.slipway/slipway.sqlite`), opened on the first run, so a
/// dry run or a run of nothing creates no file. Jobs of called workflows are stored as `caller / job`.
public final class RunStoreRecorder: RunRecorder {
    private let path: String
    private let store = Mutex<RunStore?>(nil)

    public init(path: String) { self.path = path }

    public func record(_ run: RunRecord) async throws -> Int64 {
        let store = try self.store.withLock { store in
            if let store { return store }
            let opened = try RunStore(path: path)
            store = opened
            return opened
        }
        return try store.save(Self.row(run), jobs: try Self.rows(run.jobs, prefix: ""))
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
