import Core
import Expressions
import Foundation
import Workflows

extension WorkflowRunner {
    /// Runs a job that calls a reusable workflow: its jobs run as a nested run with the caller's `github` context,
    /// typed `inputs` from `with:` (or the declared defaults), only the secrets passed (or all with `inherit`),
    /// and the called workflow's `outputs` become this job's outputs.
    func runCalledWorkflow(_ job: Job, name: String, context: ExpressionContext, index: Int) async -> JobRecord {
        let started = Date()
        let clock = ContinuousClock.now
        func failed(_ message: String) async -> JobRecord {
            let text = masker.mask(message)
            await reporter.line(name, "❌ \(text)")
            await reporter.jobFinished(name, .failure, duration: 0)
            return JobRecord(
                jobID: job.id, name: name, result: .failure, outputs: [:], steps: [], startedAt: started, duration: 0, log: [text],
                failureReason: text)
        }
        guard let uses = job.uses, let called = job.called?.workflow else {
            return await failed(ReusableWorkflowResolver.Failure.notMapped(job.uses ?? "").description)
        }
        let trigger = called.trigger("workflow_call")
        var inputs: [(String, ExpressionValue)] = []
        var secrets: [String: String] = [:]
        do {
            for spec in trigger?.inputs ?? [] {
                let given = job.with.first { $0.key.lowercased() == spec.name.lowercased() }?.value
                var value: ExpressionValue
                if let given {
                    value = try TemplateValue.evaluate(given, in: context)
                } else if let fallback = spec.defaultValue {
                    value = try TemplateValue.evaluate(fallback, in: context)
                } else {
                    value = spec.kind == .boolean ? .bool(false) : spec.kind == .number ? .number(0) : .string("")
                }
                value = try Self.typed(value, as: spec, location: given?.location ?? spec.location)
                inputs.append((spec.name, value))
            }
            if job.secretsInherit {
                secrets = options.secrets
            } else {
                for (key, node) in job.secrets { secrets[key.uppercased()] = try TemplateValue.string(node, in: context) }
            }
        } catch {
            return await failed("\(error)")
        }
        var nested = options
        nested.secrets = secrets
        // Everything the caller knows stays masked in the called workflow's output.
        nested.maskedValues = options.maskedValues + Array(options.secrets.values)
        nested.jobFilter = nil
        nested.callInputs = ExpressionObject(inputs)
        nested.stateDirectory = "\(options.stateDirectory)/calls/\(options.runID)/\(job.id)-\(index)"
        // The caller's run is the one recorded: the called workflow's jobs wait for reviews under its id.
        nested.recorder = nil
        var runner = WorkflowRunner(workflow: called, options: nested, reporter: PrefixedReporter(prefix: name, base: reporter), gate: gate)
        runner.recordID = recordID
        // The called workflow's jobs run in tasks of their own: a cancelled caller (cancel-in-progress) cancels them.
        let calledCancellation = runner.runCancellation
        runCancellation.onCancel { calledCancellation.cancel() }
        let record = await runner.run()

        // outputs: evaluated against the called jobs' results.
        var jobs: [(String, ExpressionValue)] = []
        for id in called.jobs.map(\.id) {
            let instances = record.jobs.filter { $0.jobID == id }
            let result = instances.isEmpty ? Conclusion.skipped : Conclusion.combined(instances.map(\.result))
            var outputs: [String: String] = [:]
            for instance in instances { outputs.merge(instance.outputs) { _, new in new } }
            jobs.append(
                (
                    id,
                    .object(
                        ExpressionObject([
                            ("result", .string(result.rawValue)),
                            ("outputs", .object(ExpressionObject(outputs.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }))),
                        ]))
                ))
        }
        var outputContext = context
        outputContext["inputs"] = .object(ExpressionObject(inputs))
        outputContext["jobs"] = .object(ExpressionObject(jobs))
        var outputs: [String: String] = [:]
        for (key, node) in trigger?.outputs ?? [] {
            guard let value = try? TemplateValue.string(node, in: outputContext) else { continue }
            // Like job outputs, a value carrying a secret is not passed on.
            if runner.masker.mask(value) != value { continue }
            outputs[key] = value
        }
        let duration = (ContinuousClock.now - clock).seconds
        let failure = record.result == .failure ? "a job of the called workflow '\(uses)' failed" : nil
        await reporter.jobFinished(name, record.result, duration: duration)
        return JobRecord(
            jobID: job.id, name: name, result: record.result, outputs: outputs, steps: [], startedAt: started, duration: duration,
            log: record.jobs.map { "\($0.name): \($0.result.rawValue)" }, failureReason: failure, calledJobs: record.jobs
        )
    }

    /// An input value converted to its declared type, as GitHub does when it starts the called workflow.
    static func typed(_ value: ExpressionValue, as spec: InputSpec, location: SourceLocation?) throws(Diagnostic) -> ExpressionValue {
        switch (spec.kind, value) {
        case (.boolean, .bool), (.number, .number), (.string, .string):
            return value
        case (.string, _):
            return .string(value.coercedString)
        default:
            throw Diagnostic(
                "The input '\(spec.name)' is declared as \(spec.kind.rawValue) but was given \(value.kind.rawValue.lowercased()) "
                    + "'\(value.coercedString)'",
                at: location)
        }
    }
}
