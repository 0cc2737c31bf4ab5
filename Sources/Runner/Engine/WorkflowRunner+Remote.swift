import Core
import Expressions
import Foundation
import Workflows

extension WorkflowRunner {
    /// A job's `runs-on`, evaluated: a label, a list of labels, or a `group`/`labels` mapping's labels.
    static func runsOnLabels(_ job: Job, context: ExpressionContext) -> [String] {
        guard let node = job.runsOn, let value = try? TemplateValue.evaluate(node, in: context) else { return [] }
        func labels(_ value: ExpressionValue) -> [String] {
            switch value {
            case .array(let items): items.items.flatMap(labels)
            case .object(let object): object["labels"].map(labels) ?? []
            case .null: []
            default: [value.coercedString]
            }
        }
        return labels(value).filter { !$0.isEmpty }
    }

    /// Whether this job instance goes to a runner on another machine: the server dispatches, the run is recorded, and
    /// `runs-on` asks for `self-hosted`.
    func remoteLabels(_ job: Job, context: ExpressionContext) -> [String]? {
        guard options.remoteJobs != nil, recordID != nil, !options.dryRun else { return nil }
        let labels = Self.runsOnLabels(job, context: context)
        return RemoteJobSpec.wantsRunner(labels) ? labels : nil
    }

    /// Runs one job instance on a runner: what the job needs goes with it (its contexts evaluated here, past its
    /// environment's rules), its log comes back line by line, and cancelling the run cancels it there.
    func runRemotely(_ job: Job, name: String, context: ExpressionContext, labels: [String], cancelledBy handles: [CancellationHandle])
        async
        -> JobRecord
    {
        guard let dispatch = options.remoteJobs, let recordID else {
            return JobRecord(
                jobID: job.id, name: name, result: .failure, outputs: [:], steps: [], startedAt: Date(), duration: 0, log: [],
                failureReason: "the run is not recorded: it cannot send jobs to runners")
        }
        var context = context
        if var github = context["github"]?.objectValue {
            github = github.setting("job", .string(job.id))
            context["github"] = .object(github)
        }
        if Permissions.allowsIDToken(job: job, workflow: workflow) {
            await reporter.line(
                name, "⚠️ no OIDC token for this job: jobs on runners get none (permissions: id-token: write is not honoured)")
        }
        var contexts: [String: String] = [:]
        for key in context.names {
            if let value = context[key] { contexts[key] = JSON.serialize(value, pretty: false) }
        }
        let minutes = TemplateValue.number(job.timeoutMinutes, in: context, fallback: 360)
        let spec = RemoteJobSpec(
            workflowPath: workflow.path, workflowText: workflow.source, jobID: job.id, displayName: name, labels: labels,
            contexts: contexts, repository: options.remoteRepository ?? options.repositoryRoot, event: options.event.name,
            ref: options.event.ref, sha: options.event.sha, runID: options.runID, runNumber: options.runNumber, env: options.env,
            masked: masker.secrets, timeoutMinutes: minutes.isFinite && minutes > 0 ? minutes : nil,
            registryMirrors: options.registryMirrors,
            downloadsArtifacts: job.steps.contains { $0.uses?.lowercased().hasPrefix("actions/download-artifact") == true })
        let request = RemoteJobRequest(spec: spec, runRecordID: recordID, stateDirectory: options.stateDirectory)
        let reporter = self.reporter
        let masker = self.masker
        // The runner masks its lines with the same values; masked here again, as every line a job prints is.
        let execution = Task { await dispatch.run(request) { text in await reporter.line(name, masker.mask(text)) } }
        for handle in handles { handle.onCancel { execution.cancel() } }
        var record = await withTaskCancellationHandler {
            await execution.value
        } onCancel: {
            execution.cancel()
        }
        record.jobID = job.id
        record.name = name
        record.log = record.log.map { masker.mask($0) }
        record.failureReason = record.failureReason.map { masker.mask($0) }
        record.outputs = record.outputs.mapValues { masker.mask($0) }
        return record
    }
}
