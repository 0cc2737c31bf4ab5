/// The statuses of a pipeline's jobs and the pure rules that move them: which start, which wait, which are skipped,
/// retried or played. `PipelineRunner` does the running; this type decides.
struct SchedulerState: Sendable {
    let plan: PipelinePlan
    /// Job (or instance) names to play when they become manual.
    var play: Set<String>
    var statuses: [String: GitLabJobStatus] = [:]
    var outcomes: [String: JobOutcome] = [:]
    var attempts: [String: Int] = [:]
    var logs: [String: [String]] = [:]
    private var queue: [String] = []
    private var busyGroups: [String: String] = [:]
    private let byName: [String: PlannedJob]

    init(plan: PipelinePlan, play: Set<String>, snapshot: PipelineSnapshot? = nil) {
        self.plan = plan
        self.play = play
        byName = Dictionary(plan.jobs.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for job in plan.jobs {
            statuses[job.name] = snapshot?.statuses[job.name] ?? .created
            outcomes[job.name] = snapshot?.outcomes[job.name]
            attempts[job.name] = snapshot?.attempts[job.name]
            logs[job.name] = snapshot?.logs[job.name]
        }
    }

    /// The project's variables are left out: they carry its secrets, which never reach a record; whoever goes on with
    /// the pipeline reads them again (`PipelineSnapshot.context`).
    func snapshot(context: PipelineContext, configPath: String) -> PipelineSnapshot {
        var kept = context
        kept.projectVariables = []
        return PipelineSnapshot(
            context: kept, configPath: configPath, statuses: statuses, outcomes: outcomes, attempts: attempts, logs: logs)
    }

    /// The instances a name given by a user stands for: the instance itself, or every instance of a job.
    func instances(named name: String) -> [String] {
        if byName[name] != nil { return [name] }
        return plan.jobs.filter { $0.jobName == name }.map(\.name)
    }

    /// Takes an action on a pipeline that was left waiting or ended (GitLab's play, retry and cancel buttons).
    mutating func apply(_ action: PipelineAction) throws(PipelineActionError) {
        switch action {
        case .play(let names):
            for name in names {
                let instances = instances(named: name)
                guard !instances.isEmpty else { throw PipelineActionError("no job \(name) in this pipeline") }
                let playable = instances.filter { statuses[$0] == .manual }
                guard !playable.isEmpty else {
                    let state = instances.map { "\($0) is \(statuses[$0]?.rawValue ?? "unknown")" }.joined(separator: ", ")
                    throw PipelineActionError("\(name) cannot be played: \(state) (only manual jobs can)")
                }
                for instance in playable { _ = playManual(instance) }
            }
        case .retry(let names):
            let chosen = names.map { $0.flatMap(instances(named:)) } ?? plan.jobs.map(\.name)
            let retried = chosen.filter { statuses[$0] == .failed || statuses[$0] == .canceled }
            guard !retried.isEmpty else { throw PipelineActionError("nothing to retry: no failed or canceled job") }
            for name in retried { statuses[name] = .created }
            // Jobs skipped or canceled after them (by their needs, or a later stage) are processed again, as GitLab
            // resets them; others keep their status.
            var reset = Set(retried)
            for job in plan.jobs where statuses[job.name] == .skipped || statuses[job.name] == .canceled {
                if prerequisites(job).contains(where: reset.contains) || follows(job, anyOf: reset) {
                    statuses[job.name] = .created
                    reset.insert(job.name)
                }
            }
        case .cancel:
            let open = plan.jobs.filter { !(statuses[$0.name]?.isCompleted ?? true) }
            guard !open.isEmpty else { throw PipelineActionError("nothing to cancel: every job has finished") }
            cancelWaiting()
        }
    }

    func job(_ name: String) -> PlannedJob? { byName[name] }

    /// A job as its followers see it: a failure counts as allowed only for an allowed exit code.
    func member(_ name: String) -> CompositeStatus.Member {
        let status = statuses[name] ?? .created
        guard let job = byName[name] else { return .init(status) }
        if status == .failed || status == .canceled {
            return .init(status, allowFailure: job.allowFailure.allows(exitCode: outcomes[name]?.exitCode))
        }
        return .init(status, allowFailure: job.allowFailure.isAllowed)
    }

    func prerequisites(_ job: PlannedJob) -> [String] {
        if let needs = job.needs { return needs.map(\.name) }
        return plan.jobs.filter { $0.stageIndex < job.stageIndex }.map(\.name)
    }

    func prerequisiteStatus(_ job: PlannedJob) -> GitLabJobStatus? {
        CompositeStatus.of(prerequisites(job).map(member), dag: job.needs != nil)
    }

    /// Moves every `created` job that can move; answers the delayed jobs whose timers must start.
    mutating func process() -> (timers: [String], changed: Bool) {
        var timers: [String] = []
        var changed = false
        var again = true
        while again {
            again = false
            for job in plan.jobs where statuses[job.name] == .created {
                let decision = PipelineScheduling.decide(
                    when: job.when, usesNeeds: job.needs != nil, prerequisites: prerequisiteStatus(job))
                switch decision {
                case .wait: continue
                case .start: enqueue(job.name)
                case .manual:
                    if play.contains(job.name) || play.contains(job.jobName) {
                        enqueue(job.name)
                    } else {
                        statuses[job.name] = .manual
                    }
                case .schedule:
                    statuses[job.name] = .scheduled
                    timers.append(job.name)
                case .skip: statuses[job.name] = .skipped
                }
                again = true
                changed = true
            }
        }
        return (timers, changed)
    }

    private mutating func enqueue(_ name: String) {
        statuses[name] = .pending
        attempts[name, default: 0] += 1
        queue.append(name)
    }

    /// The next pending job whose resource group is free.
    mutating func nextToStart() -> String? {
        guard
            let index = queue.firstIndex(where: { name in
                guard let group = resourceGroup(name) else { return true }
                return busyGroups[group] == nil
            })
        else { return nil }
        let name = queue.remove(at: index)
        if let group = resourceGroup(name) { busyGroups[group] = name }
        return name
    }

    func resourceGroup(_ name: String) -> String? {
        byName[name]?.resourceGroup
    }

    mutating func markRunning(_ name: String) { statuses[name] = .running }

    mutating func finished(_ name: String, outcome: JobOutcome, retry: GitLabRetry) {
        if let group = resourceGroup(name), busyGroups[group] == name { busyGroups[group] = nil }
        outcomes[name] = outcome
        logs[name, default: []] += outcome.log
        if outcome.status == .failed, Self.retries(retry, outcome: outcome, attempt: attempts[name] ?? 1) {
            logs[name, default: []].append("Retrying: attempt \((attempts[name] ?? 1) + 1) of \(retry.max + 1)")
            enqueue(name)
            return
        }
        statuses[name] = outcome.status
    }

    /// Whether `retry:` asks for another attempt after this failure.
    static func retries(_ retry: GitLabRetry, outcome: JobOutcome, attempt: Int) -> Bool {
        guard attempt <= retry.max else { return false }
        if !retry.exitCodes.isEmpty {
            guard let code = outcome.exitCode, retry.exitCodes.contains(code) else { return false }
        }
        guard !retry.when.isEmpty, !retry.when.contains("always") else { return true }
        let reason = outcome.failureReason ?? "unknown_failure"
        if retry.when.contains(reason) { return true }
        return reason == "job_execution_timeout" && retry.when.contains("stuck_or_timeout_failure")
    }

    mutating func timerFired(_ name: String) {
        guard statuses[name] == .scheduled else { return }
        enqueue(name)
    }

    /// A cancelled pipeline: nothing more starts.
    mutating func cancelWaiting() {
        queue.removeAll()
        for (name, status) in statuses where [.created, .pending, .scheduled, .manual].contains(status) {
            statuses[name] = .canceled
        }
    }

    /// Whether a job waits for any of `names` by stage (it has no `needs` and sits in a later stage than one of them).
    func follows(_ job: PlannedJob, anyOf names: Set<String>) -> Bool {
        guard job.needs == nil else { return false }
        return names.contains { name in (byName[name]?.stageIndex ?? Int.max) < job.stageIndex }
    }

    /// Plays a manual job (and lets jobs skipped behind it be reconsidered, as GitLab resets them).
    mutating func playManual(_ name: String) -> Bool {
        guard statuses[name] == .manual else { return false }
        enqueue(name)
        for job in plan.jobs where statuses[job.name] == .skipped && prerequisites(job).contains(name) {
            statuses[job.name] = .created
        }
        return true
    }

    /// What the jobs amount to.
    var pipelineStatus: GitLabJobStatus {
        CompositeStatus.of(plan.jobs.map { member($0.name) }) ?? .skipped
    }

    /// The jobs whose artifacts and dotenv variables `job` receives: its `needs` with artifacts, its `dependencies`,
    /// or every earlier stage's.
    func upstream(of job: PlannedJob) -> [(name: String, outcome: JobOutcome)] {
        let names: [String]
        if let dependencies = job.dependencies {
            names = dependencies
        } else if let needs = job.needs {
            names = needs.filter(\.artifacts).map(\.name)
        } else {
            names = plan.jobs.filter { $0.stageIndex < job.stageIndex }.map(\.name)
        }
        return names.compactMap { name in outcomes[name].map { (name, $0) } }
    }
}
