import Expressions
import Workflows

/// Runs everything one event starts: the workflows whose triggers match it, then — as their runs complete — the
/// workflows whose `workflow_run` triggers name them (seed 000's CI → CD chain), up to three levels deep as GitHub
/// allows. Runs of one level start together; each is reported through `finished` as soon as its level completes.
public struct EventDispatch: Sendable {
    public let workflows: [Workflow]
    public let options: RunOptions
    public let reporter: any RunReporter
    public let gate: ConcurrencyGate
    /// The run ID of the first run; later runs count up from it.
    public let firstRunID: Int

    public static let maximumChainDepth = 3

    public init(
        workflows: [Workflow], options: RunOptions, reporter: any RunReporter, gate: ConcurrencyGate = ConcurrencyGate(),
        firstRunID: Int
    ) {
        self.workflows = workflows
        self.options = options
        self.reporter = reporter
        self.gate = gate
        self.firstRunID = firstRunID
    }

    /// Runs the chain; returns every run's record in completion order by level. Each run is given to the options'
    /// recorder as it finishes, then to `finished`.
    public func run(finished: @Sendable (RunRecord) async -> Void = { _ in }) async -> [RunRecord] {
        var runID = firstRunID
        var records: [RunRecord] = []
        var queue: [(workflow: Workflow, event: WorkflowEvent, depth: Int)] =
            workflows.filter { $0.triggers.contains { $0.matches(options.event) } }.map { ($0, options.event, 0) }
        while !queue.isEmpty {
            let batch = queue
            queue.removeAll()
            var planned: [(Workflow, RunOptions)] = []
            for (workflow, event, _) in batch {
                runID += 1
                var runOptions = options
                runOptions.event = event
                runOptions.runID = runID
                planned.append((workflow, runOptions))
            }
            let reporter = self.reporter
            let gate = self.gate
            let level: [RunRecord] = await withTaskGroup(of: RunRecord.self) { group in
                for (workflow, runOptions) in planned {
                    group.addTask { await WorkflowRunner(workflow: workflow, options: runOptions, reporter: reporter, gate: gate).run() }
                }
                var all: [RunRecord] = []
                for await record in group { all.append(record) }
                return all
            }
            for var record in level {
                if let recorder = options.recorder {
                    do { record.recordID = try await recorder.record(record) } catch { record.recordingError = "\(error)" }
                }
                records.append(record)
                await finished(record)
                let depth = batch.first { $0.workflow.path == record.workflowPath }?.depth ?? 0
                guard depth < Self.maximumChainDepth else { continue }
                let chained = Self.workflowRunEvent(for: record, trigger: options.event)
                for workflow in workflows where workflow.triggers.contains(where: { $0.matches(chained) }) {
                    queue.append((workflow, chained, depth + 1))
                }
            }
        }
        return records
    }

    /// The `workflow_run` event a completed run raises, with the payload fields workflows read.
    public static func workflowRunEvent(for record: RunRecord, trigger: WorkflowEvent) -> WorkflowEvent {
        let payload = ExpressionObject([
            ("name", .string(record.workflowName)), ("conclusion", .string(record.result.rawValue)),
            ("status", "completed"), ("head_sha", .string(record.sha)),
            ("head_branch", .string(WorkflowEvent(name: "", ref: record.ref, sha: "").refName)),
            ("event", .string(record.event)), ("id", .number(Double(record.runID))), ("path", .string(record.workflowPath)),
        ])
        return WorkflowEvent(
            name: "workflow_run", ref: trigger.ref, sha: trigger.sha, action: "completed", workflowRun: payload,
            payload: ExpressionObject([("action", "completed"), ("workflow_run", .object(payload))])
        )
    }
}
