import Foundation
import GitLabCI
import Store
import Synchronization

/// Keeps GitLab pipelines in the repository's run store beside workflow runs: the run's event is the pipeline's
/// source, its result and each job's the GitLab status (`success`, `failed`, `manual`, `skipped`, …).
public final class RunStorePipelineRecorder: PipelineRecorder {
    private let path: String
    private let store = Mutex<RunStore?>(nil)
    private let configPath: String

    public init(path: String, configPath: String) {
        self.path = path
        self.configPath = configPath
    }

    func openedStore() throws -> RunStore {
        try store.withLock { store in
            if let store { return store }
            let opened = try RunStore(path: path)
            store = opened
            return opened
        }
    }

    public func started(_ context: PipelineContext, name: String) async throws -> Int64 {
        var row = RunStore.Run(
            workflowPath: configPath, workflowName: name, event: context.source,
            ref: context.isTag ? "refs/tags/\(context.ref)" : "refs/heads/\(context.ref)",
            sha: context.sha, result: "", startedAt: Date(), duration: 0)
        row.actor = context.userLogin
        return try openedStore().begin(row)
    }

    public func finished(_ result: PipelineResult, context: PipelineContext) async throws {
        guard let id = result.recordID else { return }
        let jobs = result.jobs.map { job in
            RunStore.Job(
                runId: id, jobId: job.name, name: job.name, result: job.status.rawValue, startedAt: job.startedAt ?? Date(),
                duration: job.duration, outputs: "{}", steps: "[]", failureReason: job.failureReason, log: job.log.joined(separator: "\n"))
        }
        try openedStore().finish(id, result: result.status.rawValue, duration: result.duration, jobs: jobs)
    }
}
