import Expressions
import Foundation
import Store

extension RunRecord {
    /// Saves this run in the store; jobs of called workflows are saved as `caller / job`. Returns the run's id.
    @discardableResult
    public func save(to store: RunStore) throws -> Int64 {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        func rows(_ jobs: [JobRecord], prefix: String) throws -> [RunStore.Job] {
            var result: [RunStore.Job] = []
            for job in jobs {
                let name = prefix + job.name
                result.append(RunStore.Job(
                    runId: 0, jobId: job.jobID, name: name, result: job.result.rawValue, startedAt: job.startedAt, duration: job.duration,
                    outputs: String(decoding: try encoder.encode(job.outputs), as: UTF8.self),
                    steps: String(decoding: try encoder.encode(job.steps), as: UTF8.self),
                    failureReason: job.failureReason, log: job.log.joined(separator: "\n")
                ))
                result += try rows(job.calledJobs ?? [], prefix: name + " / ")
            }
            return result
        }
        let run = RunStore.Run(workflowPath: workflowPath, workflowName: workflowName, event: event, ref: ref, sha: sha,
                               result: result.rawValue, startedAt: startedAt, duration: duration)
        return try store.save(run, jobs: try rows(jobs, prefix: ""))
    }
}
