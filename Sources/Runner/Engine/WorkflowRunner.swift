import Core
import Expressions
import Foundation
import Workflows

/// Runs one workflow: each job starts as soon as its own `needs` are done (no stage barrier),
/// matrices expand when their job becomes ready, and results flow into `needs` contexts.
public struct WorkflowRunner: Sendable {
    public let workflow: Workflow
    /// The run's options; once a recorder has given the run its id, `runID` is that id.
    public private(set) var options: RunOptions
    public let reporter: any RunReporter
    public let gate: ConcurrencyGate
    public let masker: SecretMasker
    let workspaces: WorkspacePool
    /// Cancels the whole run: a later run of the same workflow-level concurrency group with `cancel-in-progress`.
    let runCancellation = CancellationHandle()
    /// The run's id in the recorder's store, once it announced the run (a called workflow shares its caller's).
    var recordID: Int64?

    public init(workflow: Workflow, options: RunOptions, reporter: any RunReporter, gate: ConcurrencyGate = ConcurrencyGate()) {
        self.workflow = workflow
        self.options = options
        self.reporter = reporter
        self.gate = gate
        // Environment secrets are masked from the start: they are readable only by jobs past their environment's rules,
        // but no output of any job may show them.
        self.masker = SecretMasker(
            secrets: Array(options.secrets.values) + options.maskedValues + options.environments.values.flatMap { $0.secrets.values })
        self.workspaces = WorkspacePool(options: options)
    }

    /// Jobs to run: all, or with `jobFilter` that job plus everything it needs.
    func selectedJobs() -> [Job] {
        guard let filter = options.jobFilter else { return workflow.jobs }
        var wanted: Set<String> = []
        func add(_ id: String) {
            guard wanted.insert(id).inserted, let job = workflow.job(id) else { return }
            for need in job.needs { add(need) }
        }
        add(filter)
        return workflow.jobs.filter { wanted.contains($0.id) }
    }

    /// Runs the workflow: announced to the options' recorder as it starts (its record then carries the id the recorder
    /// gave it), run, and answered; recording the finished run is the caller's (`EventDispatch`).
    public func run() async -> RunRecord {
        var runner = self
        if runner.recordID == nil, let recorder = options.recorder, !options.dryRun {
            let start = RunStart(
                workflowPath: workflow.path, workflowName: workflow.displayName, event: options.event.name, ref: options.event.ref,
                sha: options.event.sha, actor: options.resolvedActor(), startedAt: Date(), runID: options.runID)
            // A store that cannot record the start still gets the finished run (`EventDispatch` inserts it then); only
            // jobs that must wait for reviewers fail without an id, saying so.
            runner.recordID = try? await recorder.started(start)
            // `github.run_id` is the run's own id, as on GitHub: the store's is unique, where the provisional one (taken
            // from the clock) can be shared by runs that start in the same millisecond.
            if let id = runner.recordID { runner.options.runID = Int(id) }
        }
        var record = await runner.execute()
        record.recordID = runner.recordID
        return record
    }

    func execute() async -> RunRecord {
        let started = Date()
        let clock = ContinuousClock.now
        let base = ContextBuilder(workflow: workflow, options: options)
        var rootContext = await base.workflowContext()
        // Workflow-level concurrency.
        var concurrencyToken: (String, Int)?
        if let spec = workflow.concurrency {
            let group = (try? TemplateValue.string(spec.group, in: rootContext)) ?? ""
            let cancel = TemplateValue.flag(spec.cancelInProgress, in: rootContext)
            if !group.isEmpty {
                let run = runCancellation
                guard
                    let token = await gate.acquire(
                        group: group, cancelInProgress: cancel, queueMax: spec.queueMax, onCancelRunning: { run.cancel() })
                else {
                    return RunRecord(
                        workflowPath: workflow.path, workflowName: workflow.displayName, event: options.event.name, ref: options.event.ref,
                        sha: options.event.sha, result: .cancelled, jobs: [], startedAt: started, duration: 0, runID: options.runID)
                }
                concurrencyToken = (group, token)
            }
        }
        // Workflow env, evaluated once.
        // ACT=true lets workflows written for act detect a local run (`if: ${{ !env.ACT }}`).
        // Values given with --env / --env-file are part of the env context too, as in act.
        var workflowEnv: [(String, ExpressionValue)] =
            [("ACT", "true")] + options.env.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }
        for (key, node) in workflow.env {
            let value = (try? TemplateValue.string(node, in: rootContext)) ?? ""
            workflowEnv.append((key, .string(value)))
        }
        rootContext["env"] = .object(ExpressionObject(workflowEnv))

        let jobs = selectedJobs()
        // By id, and each job's transitive needs once: with thousands of chained jobs, looking them up by scanning on
        // every completion made a run cubic in the number of jobs.
        let jobsByID = Dictionary(jobs.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let transitiveNeeds = Self.transitiveNeeds(of: jobsByID)
        var results: [String: (Conclusion, [String: String])] = [:]
        var records: [JobRecord] = []
        // Unmet needs per job, and who waits for whom: a completion starts its dependents without scanning the rest.
        var unmet: [String: Int] = [:]
        var dependents: [String: [String]] = [:]
        for job in jobs {
            let needs = Set(job.needs.filter { jobsByID[$0] != nil })
            unmet[job.id] = needs.count
            for need in needs { dependents[need, default: []].append(job.id) }
        }
        var ready = jobs.map(\.id).filter { unmet[$0] == 0 }
        let limiter = ParallelLimiter(limit: options.maxParallelJobs)
        await withTaskGroup(of: (String, [JobRecord], Conclusion, [String: String]).self) { group in
            var running: Set<String> = []
            while !ready.isEmpty || !running.isEmpty {
                for id in ready {
                    guard let job = jobsByID[id] else { continue }
                    running.insert(id)
                    let needsContext = self.needsContext(job, results)
                    let transitive = transitiveNeeds[id] ?? []
                    let status = StatusSnapshot(
                        success: transitive.allSatisfy { results[$0]?.0 == .success },
                        failure: transitive.contains { results[$0]?.0 == .failure },
                        cancelled: Task.isCancelled,
                        jobResults: Dictionary(
                            transitive.compactMap { id in results[id].map { (id.lowercased(), $0.0) } }, uniquingKeysWith: { a, _ in a })
                    )
                    let context = rootContext
                    group.addTask {
                        let (instances, result, outputs) = await self.runJob(
                            job, context: context, needs: needsContext, status: status, limiter: limiter)
                        return (id, instances, result, outputs)
                    }
                }
                ready = []
                guard let (id, instances, result, outputs) = await group.next() else { break }
                running.remove(id)
                results[id] = (result, outputs)
                records.append(contentsOf: instances)
                for dependent in dependents[id] ?? [] {
                    unmet[dependent, default: 0] -= 1
                    if unmet[dependent] == 0 { ready.append(dependent) }
                }
            }
        }
        if let (group, token) = concurrencyToken { await gate.release(group: group, token: token) }
        await workspaces.drain()
        let conclusions = jobs.compactMap { results[$0.id]?.0 }
        let result: Conclusion = conclusions.contains(.failure) ? .failure : (conclusions.contains(.cancelled) ? .cancelled : .success)
        return RunRecord(
            workflowPath: workflow.path, workflowName: workflow.displayName, event: options.event.name, ref: options.event.ref,
            sha: options.event.sha, result: result, jobs: records, startedAt: started, duration: (ContinuousClock.now - clock).seconds,
            runID: options.runID
        )
    }

    /// Every job's needs, direct and indirect, each computed once from its needs' (iteratively: a chain of thousands
    /// of jobs must not exhaust a thread's stack). Needs form no cycle — the loader refuses one — and a job caught in
    /// one anyway only loses the part of its closure the cycle hides.
    static func transitiveNeeds(of jobs: [String: Job]) -> [String: Set<String>] {
        var closure: [String: Set<String>] = [:]
        var visiting: Set<String> = []
        for root in jobs.keys.sorted() where closure[root] == nil {
            var stack: [(id: String, expanded: Bool)] = [(root, false)]
            while let (id, expanded) = stack.popLast() {
                if closure[id] != nil { continue }
                let needs = jobs[id]?.needs ?? []
                if expanded {
                    var all = Set(needs)
                    for need in needs { all.formUnion(closure[need] ?? []) }
                    closure[id] = all
                    visiting.remove(id)
                } else if visiting.insert(id).inserted {
                    stack.append((id, true))
                    for need in needs where closure[need] == nil && !visiting.contains(need) { stack.append((need, false)) }
                }
            }
        }
        return closure
    }

    func needsContext(_ job: Job, _ results: [String: (Conclusion, [String: String])]) -> ExpressionValue {
        .object(
            ExpressionObject(
                job.needs.map { id in
                    let (result, outputs) = results[id] ?? (.skipped, [:])
                    let outputObject = ExpressionObject(
                        outputs.sorted { $0.key < $1.key }.map { ($0.key, ExpressionValue.string($0.value)) })
                    return (id, .object(ExpressionObject([("result", .string(result.rawValue)), ("outputs", .object(outputObject))])))
                }))
    }

    /// Runs all instances of a job; returns their records, the aggregated result and outputs.
    func runJob(_ job: Job, context root: ExpressionContext, needs: ExpressionValue, status: StatusSnapshot, limiter: ParallelLimiter) async
        -> ([JobRecord], Conclusion, [String: String])
    {
        var context = root
        context["needs"] = needs
        status.install(into: &context)
        let baseName = job.name.flatMap { node -> String? in node.scalar?.contains("${{") == true ? nil : node.scalar } ?? job.id
        func skipped(_ reason: String? = nil) async -> ([JobRecord], Conclusion, [String: String]) {
            await reporter.jobStarted(baseName)
            if let reason { await reporter.line(baseName, reason) }
            await reporter.jobFinished(baseName, .skipped, duration: 0)
            return (
                [
                    JobRecord(
                        jobID: job.id, name: baseName, result: .skipped, outputs: [:], steps: [], startedAt: Date(), duration: 0,
                        log: reason.map { [$0] } ?? [], failureReason: nil)
                ], .skipped, [:]
            )
        }
        func failed(_ message: String) async -> ([JobRecord], Conclusion, [String: String]) {
            await reporter.jobStarted(baseName)
            await reporter.line(baseName, "❌ \(message)")
            await reporter.jobFinished(baseName, .failure, duration: 0)
            return (
                [
                    JobRecord(
                        jobID: job.id, name: baseName, result: .failure, outputs: [:], steps: [], startedAt: Date(), duration: 0,
                        log: [message], failureReason: message)
                ], .failure, [:]
            )
        }
        do {
            guard try effectiveCondition(job.condition).evaluate(in: context).isTruthy else { return await skipped() }
        } catch {
            return await failed("\(job.conditionLocation.map { "\($0): " } ?? "")\(error)")
        }
        // Matrix.
        var combinations: [Matrix.Combination] = [[]]
        var failFast = true
        var maxParallel: Int?
        if let strategy = job.strategy {
            do {
                if let matrix = strategy.matrix {
                    do {
                        let value = try TemplateValue.evaluateMatrix(matrix, in: context)
                        combinations = try Matrix.expand(value)
                        if combinations.isEmpty { return await skipped("matrix is empty") }
                    } catch  where options.dryRun && Self.dependsOnJobResults(matrix) {
                        // A dry run has no outputs of the jobs this one needs: the matrix is not known, which is no failure.
                        await reporter.line(
                            baseName, "❔ matrix unknown in a dry run: it is computed from other jobs' results (\(matrix.location))")
                        combinations = [[]]
                    }
                }
                if let node = strategy.failFast { failFast = try TemplateValue.evaluate(node, in: context).isTruthy }
                if let node = strategy.maxParallel {
                    let n = try TemplateValue.evaluate(node, in: context).coercedNumber
                    if n.isFinite, n >= 1 { maxParallel = Int(n) }
                }
            } catch let error as Matrix.Failure {
                return await failed("\(strategy.matrix?.location.description ?? job.location.description): \(error)")
            } catch {
                return await failed("\(error)")
            }
        }
        let total = combinations.count
        let failFastSetting = failFast
        let maxParallelSetting = maxParallel
        let jobContext = context
        let instanceLimiter = ParallelLimiter(limit: maxParallel)
        let fastFail = CancellationHandle()
        var records: [JobRecord] = []
        await withTaskGroup(of: (Int, JobRecord).self) { group in
            for (index, combination) in combinations.enumerated() {
                group.addTask {
                    await instanceLimiter.acquire()
                    await limiter.acquire()
                    let outcome = await self.runMatrixInstance(
                        job, combination: combination, index: index, total: total, baseName: baseName, context: jobContext,
                        failFast: failFastSetting, maxParallel: maxParallelSetting, fastFail: fastFail
                    )
                    await limiter.release()
                    await instanceLimiter.release()
                    return outcome
                }
            }
            var collected: [(Int, JobRecord)] = []
            for await item in group { collected.append(item) }
            records = collected.sorted { $0.0 < $1.0 }.map(\.1)
        }
        // Job-level continue-on-error turns a failed job into a non-blocking one.
        var results = records.map(\.result)
        if TemplateValue.flag(job.continueOnError, in: context) {
            results = results.map { $0 == .failure ? .success : $0 }
        }
        let aggregate = Conclusion.combined(results)
        var outputs: [String: String] = [:]
        for record in records { outputs.merge(record.outputs) { _, new in new } }
        return (records, aggregate, outputs)
    }

    /// Whether a matrix reads values that exist only once jobs have run (`needs.*.outputs`, `needs.*.result`).
    static func dependsOnJobResults(_ node: YAMLNode) -> Bool {
        func texts(_ node: YAMLNode) -> [String] {
            if let scalar = node.scalar { return [scalar] }
            if let items = node.sequence { return items.flatMap(texts) }
            if let pairs = node.mapping { return pairs.flatMap { texts($0.key) + texts($0.value) } }
            return []
        }
        return texts(node).contains { $0.contains("${{") && $0.contains("needs.") }
    }

    func runMatrixInstance(
        _ job: Job, combination: Matrix.Combination, index: Int, total: Int, baseName: String, context: ExpressionContext,
        failFast: Bool, maxParallel: Int?, fastFail: CancellationHandle
    ) async -> (Int, JobRecord) {
        var instanceContext = context
        instanceContext["matrix"] = .object(ExpressionObject(combination.map { ($0.key, $0.value) }))
        instanceContext["strategy"] = .object(
            ExpressionObject([
                ("fail-fast", .bool(failFast)), ("job-index", .number(Double(index))), ("job-total", .number(Double(total))),
                ("max-parallel", .number(Double(maxParallel ?? total))),
            ]))
        var name = combination.isEmpty ? baseName : Matrix.displayName(job.id, combination)
        if let node = job.name, let evaluated = try? TemplateValue.string(node, in: instanceContext) {
            name = (!combination.isEmpty && node.scalar?.contains("${{") != true) ? Matrix.displayName(evaluated, combination) : evaluated
        }
        if fastFail.isCancelled {
            await reporter.jobStarted(name)
            await reporter.line(name, "cancelled by fail-fast: another matrix job failed")
            await reporter.jobFinished(name, .cancelled, duration: 0)
            return (
                index,
                JobRecord(
                    jobID: job.id, name: name, result: .cancelled, outputs: [:], steps: [], startedAt: Date(), duration: 0,
                    log: ["cancelled by fail-fast"], failureReason: nil)
            )
        }
        let record = await runInstance(job, name: name, context: instanceContext, index: index, failFast: failFast ? fastFail : nil)
        if record.result == .failure, failFast {
            // Like GitHub: the first failure cancels the instances still queued and those already running.
            let continueOnError = TemplateValue.flag(job.continueOnError, in: instanceContext)
            if !continueOnError { fastFail.cancel() }
        }
        return (index, record)
    }

    /// Runs one job instance. `failFast`, when given, is the matrix's fail-fast signal: once another instance fails,
    /// this one is cancelled even if it is already running.
    func runInstance(_ job: Job, name: String, context: ExpressionContext, index: Int, failFast: CancellationHandle? = nil) async
        -> JobRecord
    {
        await reporter.jobStarted(name)
        if job.uses != nil { return await runCalledWorkflow(job, name: name, context: context, index: index) }
        var context = context
        // Job-level concurrency.
        var token: (String, Int)?
        let handle = CancellationHandle()
        if let spec = job.concurrency, let group = try? TemplateValue.string(spec.group, in: context), !group.isEmpty {
            let cancel = TemplateValue.flag(spec.cancelInProgress, in: context)
            guard
                let acquired = await gate.acquire(
                    group: group, cancelInProgress: cancel, queueMax: spec.queueMax, onCancelRunning: { handle.cancel() })
            else {
                await reporter.line(name, "Canceling since a higher priority waiting request for '\(group)' exists")
                await reporter.jobFinished(name, .cancelled, duration: 0)
                return JobRecord(
                    jobID: job.id, name: name, result: .cancelled, outputs: [:], steps: [], startedAt: Date(), duration: 0, log: [],
                    failureReason: "cancelled by concurrency group \(group)")
            }
            token = (group, acquired)
        }
        // Job env on top of workflow env.
        var env: [(String, ExpressionValue)] = context["env"]?.objectValue?.pairs ?? []
        for (key, node) in job.env {
            let value = (try? TemplateValue.string(node, in: context)) ?? ""
            env.removeAll { $0.0 == key }
            env.append((key, .string(value)))
        }
        context["env"] = .object(ExpressionObject(env))
        var deploymentEnvironment: String?
        switch await enterEnvironment(job, name: name, context: &context) {
        case .proceed(let environment): deploymentEnvironment = environment
        case .fail(let message), .cancel(let message):
            let result: Conclusion = Task.isCancelled || handle.isCancelled ? .cancelled : .failure
            if let (group, t) = token { await gate.release(group: group, token: t) }
            await reporter.line(name, result == .failure ? "❌ \(message)" : message)
            await reporter.jobFinished(name, result, duration: 0)
            return JobRecord(
                jobID: job.id, name: name, result: result, outputs: [:], steps: [], startedAt: Date(), duration: 0, log: [message],
                failureReason: message)
        }
        if let labels = remoteLabels(job, context: context) {
            let final = await runRemotely(
                job, name: name, context: context, labels: labels, cancelledBy: [handle, runCancellation] + (failFast.map { [$0] } ?? []))
            if let (group, t) = token { await gate.release(group: group, token: t) }
            await reporter.jobFinished(name, final.result, duration: final.duration)
            return final
        }
        let (workspace, note) = await workspaces.acquire()
        if let note { await reporter.line(name, "  | \(note)") }
        if var github = context["github"]?.objectValue {
            github = github.setting("job", .string(job.id)).setting("workspace", .string(workspace.path))
            context["github"] = .object(github)
        }
        var deadline: ContinuousClock.Instant?
        let minutes = TemplateValue.number(job.timeoutMinutes, in: context, fallback: 360)
        if minutes.isFinite, minutes > 0 { deadline = ContinuousClock.now + .milliseconds(Int64(minutes * 60_000)) }
        var executor = JobExecutor(
            workflow: workflow, job: job, displayName: name, options: options, masker: masker, reporter: reporter,
            baseContext: context, workspace: workspace.path,
            jobDirectory: "\(options.stateDirectory)/runs/\(options.runID)/\(job.id)-\(index)",
            scratchDirectory: ScratchSpace.directory(forRun: options.runID, job: "\(job.id)-\(index)"), deadline: deadline
        )
        let idToken = await grantIDToken(job, name: name, context: context, environment: deploymentEnvironment)
        if let idToken {
            masker.add(idToken.requestToken)
            executor.runnerEnvironment["ACTIONS_ID_TOKEN_REQUEST_URL"] = idToken.requestURL
            executor.runnerEnvironment["ACTIONS_ID_TOKEN_REQUEST_TOKEN"] = idToken.requestToken
        }
        // A child task so a concurrency group (cancel-in-progress) can cancel this job from outside.
        let runningExecutor = executor
        let execution = Task { await runningExecutor.run() }
        handle.onCancel { execution.cancel() }
        runCancellation.onCancel { execution.cancel() }
        failFast?.onCancel { execution.cancel() }
        let record = await withTaskCancellationHandler {
            await execution.value
        } onCancel: {
            execution.cancel()
        }
        await workspaces.release(workspace)
        if let idToken { await options.idTokens?.revoke(idToken) }
        var final = record
        if let deadline, ContinuousClock.now >= deadline, final.result != .success {
            final.failureReason =
                "The job running on runner slipway has exceeded the maximum execution time of \(NumberSyntax.format(minutes)) minutes."
            final.result = .failure
            await reporter.line(name, "❌ \(final.failureReason ?? "")")
        }
        if failFast?.isCancelled == true, final.result == .cancelled {
            final.failureReason = "cancelled by fail-fast: another matrix job failed"
            await reporter.line(name, final.failureReason ?? "")
        }
        if let (group, t) = token { await gate.release(group: group, token: t) }
        await reporter.jobFinished(name, final.result, duration: final.duration)
        return final
    }
}

/// Lets a concurrency group or a matrix's fail-fast cancel a job that is already running.
final class CancellationHandle: @unchecked Sendable {
    private let lock = NSLockLike()
    private var cancelled = false
    private var actions: [@Sendable () -> Void] = []

    var isCancelled: Bool { lock.withLock { cancelled } }

    func cancel() {
        let pending: [@Sendable () -> Void] = lock.withLock {
            cancelled = true
            defer { actions.removeAll() }
            return actions
        }
        for action in pending { action() }
    }

    func onCancel(_ action: @escaping @Sendable () -> Void) {
        let runNow: Bool = lock.withLock {
            if cancelled { return true }
            actions.append(action)
            return false
        }
        if runNow { action() }
    }
}

/// A counting semaphore for `max-parallel` and the global job limit.
actor ParallelLimiter {
    let limit: Int?
    var active = 0
    var waiters: [CheckedContinuation<Void, Never>] = []

    init(limit: Int?) { self.limit = limit }

    func acquire() async {
        guard let limit else { return }
        if active < limit {
            active += 1
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    func release() {
        guard limit != nil else { return }
        if waiters.isEmpty {
            active -= 1
        } else {
            waiters.removeFirst().resume()
        }
    }
}
