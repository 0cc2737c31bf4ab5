import Foundation
import GitLabCI
import Store
import Synchronization

/// Keeps GitLab pipelines in a run store beside workflow runs: the run's event is the pipeline's source, its result
/// and each job's the GitLab status (`success`, `failed`, `manual`, `skipped`, …), and the pipeline's state is kept
/// with the run so `slipway gitlab play` (or the server's play endpoint) can go on with it later.
public final class RunStorePipelineRecorder: PipelineRecorder {
    private let path: String
    private let store = Mutex<RunStore?>(nil)
    private let configPath: String
    /// The server's project and event the pipelines belong to.
    private let origin: (projectId: Int64, eventId: Int64)?

    /// Records in the repository's store at `path`, opened on first use.
    public init(path: String, configPath: String) {
        self.path = path
        self.configPath = configPath
        origin = nil
    }

    /// Records in an open store (the server's), each pipeline naming the project and the event that started it.
    public init(store: RunStore, configPath: String, projectId: Int64, eventId: Int64) {
        path = ""
        self.configPath = configPath
        self.store.withLock { $0 = store }
        origin = (projectId, eventId)
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
            ref: context.isTag ? "refs/tags/\(context.ref)" : "refs/heads/\(context.ref)", sha: context.sha, result: "", startedAt: Date(),
            duration: 0, projectId: origin?.projectId, eventId: origin?.eventId)
        row.actor = context.userLogin
        let store = try openedStore()
        let id = try store.begin(row)
        // Marks the run as a pipeline from the start, so a run whose process dies ends in GitLab's words.
        try store.saveGitLabState(id, "{}")
        return id
    }

    public func resumed(_ id: Int64) async throws -> Bool {
        try openedStore().reopen(id)
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    public func finished(_ result: PipelineResult, snapshot: PipelineSnapshot) async throws {
        guard let id = result.recordID else { return }
        let jobs = result.jobs.map { job in
            RunStore.Job(
                runId: id, jobId: job.name, name: job.name, result: job.status.rawValue, startedAt: job.startedAt ?? Date(),
                duration: job.duration, outputs: "{}", steps: "[]", failureReason: job.failureReason, log: job.log.joined(separator: "\n"))
        }
        let store = try openedStore()
        try store.saveGitLabState(id, String(decoding: try Self.encoder.encode(snapshot), as: UTF8.self))
        try store.finish(id, result: result.status.rawValue, duration: result.duration, jobs: jobs)
    }

    /// The state a recorded pipeline was left in, if it is a pipeline that ended.
    public func snapshot(of id: Int64) throws -> (run: RunStore.Run, snapshot: PipelineSnapshot)? {
        guard let run = try openedStore().run(id), let text = run.gitlabState, text != "{}" else { return nil }
        return (run, try JSONDecoder().decode(PipelineSnapshot.self, from: Data(text.utf8)))
    }
}
