import Core
import Expressions
import Foundation

/// Decides a pipeline's jobs as GitLab does when it creates one: `workflow: rules`, then each job's `rules` (first
/// match wins; none → not added) or `only`/`except`, `parallel` instances, `needs` resolved against the jobs that made
/// it in.
public struct PipelinePlanner: Sendable {
    public let config: GitLabConfig
    public let context: PipelineContext

    public init(config: GitLabConfig, context: PipelineContext) {
        self.config = config
        self.context = context
    }

    /// A pipeline that cannot be created as configured (a job needs one the rules left out).
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var messages: [String]
        public var description: String { messages.joined(separator: "\n") }
    }

    public func plan() throws(Failure) -> PipelinePlan {
        var plan = PipelinePlan(stages: config.stages, jobs: [], workflowVariables: [], notCreatedReason: nil)
        if let rules = config.workflowRules {
            let variables = ruleVariables(job: nil, extra: [])
            guard let rule = firstMatch(rules, variables: variables), rule.when != .never else {
                plan.notCreatedReason = "Pipeline filtered out by workflow rules."
                return plan
            }
            plan.workflowVariables = rule.variables
        }
        for job in config.jobs {
            plan.jobs += instances(of: job, workflowVariables: plan.workflowVariables)
        }
        guard !plan.jobs.isEmpty else {
            plan.notCreatedReason =
                "Pipeline will not run for the selected trigger. The rules configuration prevented any jobs from being added to the pipeline."
            return plan
        }
        if plan.jobs.allSatisfy({ $0.stage == ".pre" || $0.stage == ".post" }) {
            plan.notCreatedReason = "Pipeline will not run: it would hold only .pre or .post jobs."
            return plan
        }
        try resolveNeeds(&plan)
        return plan
    }

    /// Variables rules see: predefined, global, the workflow's, the job's, then project and pipeline variables.
    func ruleVariables(job: GitLabJob?, extra: [GitLabVariable]) -> [String: String] {
        var variables = context.predefinedVariables
        variables = variables.overlaid(with: inherited(config.variables, by: job))
        variables = variables.overlaid(with: extra)
        if let job {
            variables = variables.overlaid(with: [
                GitLabVariable(name: "CI_JOB_NAME", value: job.name, expand: false),
                GitLabVariable(name: "CI_JOB_STAGE", value: job.stage, expand: false),
            ])
            variables = variables.overlaid(with: job.variables)
        }
        variables = variables.overlaid(with: context.projectVariables).overlaid(with: context.pipelineVariables)
        return VariableExpansion.resolve(variables).dictionary
    }

    func inherited(_ globals: [GitLabVariable], by job: GitLabJob?) -> [GitLabVariable] {
        guard let allowed = job?.inheritedVariables else { return globals }
        return globals.filter { allowed.contains($0.name) }
    }

    func firstMatch(_ rules: [GitLabRuleEntry], variables: [String: String]) -> GitLabRuleEntry? {
        rules.first { rule in
            if let condition = rule.condition, !((try? condition.matches(variables)) ?? false) { return false }
            if let changes = rule.changes, !changed(changes.paths, variables: variables) { return false }
            if let exists = rule.exists, !self.exists(exists, variables: variables) { return false }
            return true
        }
    }

    /// `changes:`: true when GitLab has nothing to compare with (a new branch, a non-push pipeline).
    func changed(_ patterns: [String], variables: [String: String]) -> Bool {
        guard let files = context.changedFiles else { return true }
        let globs = patterns.map { PathGlob(VariableExpansion.expand($0) { variables[$0] }) }
        return files.contains { file in globs.contains { $0.matches(file) } }
    }

    /// `exists:`: any file of the repository matches any pattern (expanded first).
    func exists(_ patterns: [String], variables: [String: String]) -> Bool {
        let expanded = patterns.map { VariableExpansion.expand($0) { variables[$0] } }.filter { !$0.isEmpty }
        let globs = expanded.map { PathGlob($0.hasPrefix("/") ? String($0.dropFirst()) : $0) }
        return context.repositoryFiles.contains { file in globs.contains { $0.matches(file) } }
    }

    /// The job's instances, or none when its rules or `only`/`except` leave it out. `parallel` is expanded first,
    /// as GitLab does, so each matrix instance's rules see its own values.
    func instances(of job: GitLabJob, workflowVariables: [GitLabVariable]) -> [PlannedJob] {
        var expansions: [(name: String, index: Int?, total: Int?, values: [GitLabVariable])] = []
        switch job.parallel {
        case nil: expansions = [(job.name, nil, nil, [])]
        case .count(let total):
            expansions = (1...total).map { ("\(job.name) \($0)/\(total)", $0, total, []) }
        case .matrix(let entries):
            var combinations: [[(String, String)]] = []
            for entry in entries {
                var partial: [[(String, String)]] = [[]]
                for item in entry {
                    let values = item.values.isEmpty ? [""] : item.values
                    partial = partial.flatMap { prefix in values.map { prefix + [(item.name, $0)] } }
                }
                combinations += partial
            }
            expansions = combinations.enumerated().map { offset, combination in
                (
                    "\(job.name): [\(combination.map(\.1).joined(separator: ", "))]", offset + 1, combinations.count,
                    combination.map { GitLabVariable(name: $0.0, value: $0.1) }
                )
            }
        }
        return expansions.compactMap { expansion in
            var instanceJob = job
            // Matrix values are the instance's own job variables.
            instanceJob.variables = job.variables.overlaid(with: expansion.values)
            guard var planned = plannedJob(instanceJob, workflowVariables: workflowVariables) else { return nil }
            planned.name = expansion.name
            planned.nodeIndex = expansion.index
            planned.nodeTotal = expansion.total
            return planned
        }
    }

    /// One instance as its rules (or `only`/`except`) decide it; nil when left out.
    func plannedJob(_ job: GitLabJob, workflowVariables: [GitLabVariable]) -> PlannedJob? {
        var when = job.when ?? .onSuccess
        var startIn = job.startIn
        var allowFailure = job.allowFailure ?? .allowed(job.when == .manual)
        var needs = job.needs
        var variables = job.variables
        var interruptible = job.interruptible ?? false
        if let rules = job.rules {
            let available = ruleVariables(job: job, extra: workflowVariables)
            guard let rule = firstMatch(rules, variables: available) else { return nil }
            if let ruleWhen = rule.when { when = ruleWhen }
            if when == .never { return nil }
            if rule.startIn != nil { startIn = rule.startIn }
            if let ruleAllow = rule.allowFailure {
                allowFailure = ruleAllow
            } else if rule.when == .manual, job.allowFailure == nil {
                // A rule's `when: manual` is blocking unless the rule or job allows failure.
                allowFailure = .allowed(false)
            }
            if let ruleNeeds = rule.needs { needs = ruleNeeds }
            if let value = rule.interruptible { interruptible = value }
            variables = variables.overlaid(with: rule.variables)
        } else if !passesRefFilters(job, variables: ruleVariables(job: job, extra: workflowVariables)) {
            return nil
        }
        return PlannedJob(
            name: job.name, jobName: job.name, stage: job.stage, stageIndex: config.stages.firstIndex(of: job.stage) ?? 0, when: when,
            startIn: startIn.flatMap(GitLabDuration.seconds), allowFailure: allowFailure,
            needs: needs.map { $0.map { PlannedNeed(name: $0.job, artifacts: $0.artifacts) } }, declaredNeeds: needs,
            dependencies: job.dependencies, missingDependencies: [], variables: workflowVariables.overlaid(with: variables),
            nodeIndex: nil, nodeTotal: nil, interruptible: interruptible, resourceGroup: job.resourceGroup)
    }

    /// `only`/`except` (GitLab's default when neither is given: `only: [branches, tags]`).
    func passesRefFilters(_ job: GitLabJob, variables: [String: String]) -> Bool {
        let only = job.only ?? (job.except == nil ? GitLabRefFilter(refs: ["branches", "tags"]) : nil)
        if let only, !matchesAll(only, variables: variables) { return false }
        if let except = job.except, matchesAll(except, variables: variables) { return false }
        return true
    }

    /// Whether every key the filter sets has at least one matching entry.
    func matchesAll(_ filter: GitLabRefFilter, variables: [String: String]) -> Bool {
        if let refs = filter.refs, !refs.contains(where: { refMatches($0) }) { return false }
        if let expressions = filter.variables,
            !expressions.contains(where: { (try? GitLabRule($0).matches(variables)) ?? false })
        {
            return false
        }
        if let changes = filter.changes, !changed(changes, variables: variables) { return false }
        return true
    }

    func refMatches(_ entry: String) -> Bool {
        var pattern = entry
        if let at = pattern.lastIndex(of: "@"), !pattern.hasPrefix("/") || pattern.hasSuffix("/") == false {
            // `ref@namespace/project` applies only in that project.
            let project = String(pattern[pattern.index(after: at)...])
            guard project == context.projectPath else { return false }
            pattern = String(pattern[..<at])
        }
        switch pattern {
        case "branches":
            return !context.isTag && ["push", "web", "api", "trigger", "schedule", "pipeline", "chat"].contains(context.source)
        case "tags": return context.isTag
        case "api": return context.source == "api"
        case "external": return context.source == "external"
        case "pipelines": return context.source == "pipeline" || context.source == "parent_pipeline"
        case "pushes": return context.source == "push"
        case "schedules": return context.source == "schedule"
        case "triggers": return context.source == "trigger"
        case "web": return context.source == "web"
        case "merge_requests": return context.source == "merge_request_event"
        case "chat": return context.source == "chat"
        case "external_pull_requests": return context.source == "external_pull_request_event"
        default: break
        }
        if pattern.count >= 2, pattern.hasPrefix("/"), let close = pattern.lastIndex(of: "/"), close > pattern.startIndex {
            let source = String(pattern[pattern.index(after: pattern.startIndex)..<close])
            let flags = String(pattern[pattern.index(after: close)...])
            return (try? GitLabRule("\"\(Self.escaped(context.ref))\" =~ /\(source)/\(flags)").matches([:])) ?? false
        }
        return pattern == context.ref
    }

    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }

    /// `needs` and `dependencies` named by job to the instances in the pipeline; a missing non-optional need fails
    /// the pipeline's creation with GitLab's message.
    func resolveNeeds(_ plan: inout PipelinePlan) throws(Failure) {
        var instancesByJob: [String: [PlannedJob]] = [:]
        for job in plan.jobs { instancesByJob[job.jobName, default: []].append(job) }
        var messages: [String] = []
        for index in plan.jobs.indices {
            let job = plan.jobs[index]
            guard let configJob = config.job(named: job.jobName) else { continue }
            if let declared = job.declaredNeeds {
                var resolved: [PlannedNeed] = []
                for need in declared {
                    guard let targets = instancesByJob[need.job] else {
                        if !need.optional {
                            messages.append(
                                "'\(job.jobName)' job needs '\(need.job)' job, but '\(need.job)' does not exist in the pipeline. This might be because of the only, except, or rules keywords. To need a job that sometimes does not exist in the pipeline, use needs:optional."
                            )
                        }
                        continue
                    }
                    let selected = targets.filter { Self.selects(need.matrix, $0) }
                    resolved += selected.map { PlannedNeed(name: $0.name, artifacts: need.artifacts) }
                }
                plan.jobs[index].needs = Self.unique(resolved)
            }
            if let dependencies = configJob.dependencies {
                plan.jobs[index].dependencies = dependencies.flatMap { name in instancesByJob[name]?.map(\.name) ?? [] }
                plan.jobs[index].missingDependencies = dependencies.filter { instancesByJob[$0] == nil }
            }
        }
        let uniqueMessages = messages.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        guard uniqueMessages.isEmpty else { throw Failure(messages: uniqueMessages) }
    }

    static func selects(_ matrix: [[String: [String]]]?, _ job: PlannedJob) -> Bool {
        guard let matrix else { return true }
        let values = job.variables.dictionary
        return matrix.contains { entry in entry.allSatisfy { name, options in values[name].map(options.contains) ?? false } }
    }

    static func unique(_ needs: [PlannedNeed]) -> [PlannedNeed] {
        var seen: Set<String> = []
        return needs.filter { seen.insert($0.name).inserted }
    }
}
