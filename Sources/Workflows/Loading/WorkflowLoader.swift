import Core
import Expressions

/// Reads a workflow file, checks it against GitHub's rules and reports every problem with its position.
public struct WorkflowLoader {
    public static let knownEvents: Set<String> = [
        "branch_protection_rule", "check_run", "check_suite", "create", "delete", "deployment", "deployment_status",
        "discussion", "discussion_comment", "fork", "gollum", "issue_comment", "issues", "label", "merge_group",
        "milestone", "page_build", "project", "project_card", "project_column", "public", "pull_request",
        "pull_request_review", "pull_request_review_comment", "pull_request_target", "push", "registry_package",
        "release", "repository_dispatch", "schedule", "status", "watch", "workflow_call", "workflow_dispatch",
        "workflow_run", "image_version",
    ]

    static let workflowKeys: Set<String> = ["name", "run-name", "description", "on", "permissions", "env", "defaults", "concurrency", "jobs"]
    static let jobKeys: Set<String> = [
        "name", "needs", "permissions", "if", "runs-on", "snapshot", "environment", "concurrency", "outputs", "env",
        "defaults", "steps", "timeout-minutes", "cancel-timeout-minutes", "strategy", "continue-on-error", "container", "services",
    ]
    static let reusableJobKeys: Set<String> = ["name", "uses", "with", "secrets", "needs", "if", "permissions", "concurrency", "strategy"]
    static let stepKeys: Set<String> = ["id", "if", "name", "uses", "run", "working-directory", "shell", "with", "env", "continue-on-error", "timeout-minutes", "background"]
    static let eventFilterKeys: Set<String> = ["types", "branches", "branches-ignore", "tags", "tags-ignore", "paths", "paths-ignore", "workflows", "inputs", "outputs", "secrets", "names", "versions"]

    var diagnostics: [Diagnostic] = []
    let file: String

    init(file: String) { self.file = file }

    /// Parses `text` as the workflow at `path` (used in messages). Throws `Diagnostics` with every problem.
    public static func load(text: String, path: String) throws(Diagnostics) -> Workflow {
        var loader = WorkflowLoader(file: path)
        let root: YAMLNode?
        do {
            root = try YAMLDocument.parse(text, file: path, options: .init(allowAnchors: false))
        } catch {
            throw Diagnostics([error])
        }
        guard let root else {
            throw Diagnostics([Diagnostic("the workflow file is empty", at: SourceLocation(file: path, line: 1, column: 1))])
        }
        let workflow = loader.workflow(root)
        if !loader.diagnostics.isEmpty || workflow == nil {
            throw Diagnostics(loader.diagnostics)
        }
        guard let workflow else { throw Diagnostics(loader.diagnostics) }
        return workflow
    }

    // MARK: - Helpers

    mutating func error(_ message: String, _ node: YAMLNode) {
        diagnostics.append(Diagnostic(message, at: node.location))
    }

    mutating func mapping(_ node: YAMLNode, _ what: String) -> [(key: YAMLNode, value: YAMLNode)]? {
        if let pairs = node.mapping { return pairs }
        error("\(what) must be a mapping, found a \(node.kindName)", node)
        return nil
    }

    mutating func checkKeys(_ pairs: [(key: YAMLNode, value: YAMLNode)], allowed: Set<String>, context: String) {
        for pair in pairs {
            guard let key = pair.key.scalar else {
                error("\(context): mapping keys must be strings", pair.key)
                continue
            }
            if !allowed.contains(key) {
                error("Unexpected value '\(key)' in \(context)", pair.key)
            }
        }
    }

    mutating func stringList(_ node: YAMLNode, _ what: String) -> [String] {
        if let text = node.scalar { return [text] }
        guard let items = node.sequence else {
            error("\(what) must be a string or a sequence of strings", node)
            return []
        }
        var result: [String] = []
        for item in items {
            if let text = item.scalar { result.append(text) } else { error("\(what) entries must be strings", item) }
        }
        return result
    }

    mutating func keyValues(_ node: YAMLNode?, _ what: String, contexts: Set<String>, functions: [FunctionSignature] = []) -> [(key: String, value: YAMLNode)] {
        guard let node else { return [] }
        if node.isNull { return [] }
        if let text = node.scalar, text.contains("${{") {
            checkTemplate(node, contexts: contexts, functions: functions)
            return []
        }
        guard let pairs = mapping(node, what) else { return [] }
        var result: [(key: String, value: YAMLNode)] = []
        for pair in pairs {
            guard let key = pair.key.scalar else { error("\(what): keys must be strings", pair.key); continue }
            checkTemplate(pair.value, contexts: contexts, functions: functions)
            result.append((key, pair.value))
        }
        return result
    }

    /// Checks every `${{ }}` in a value for syntax and allowed contexts.
    mutating func checkTemplate(_ node: YAMLNode?, contexts: Set<String>, functions: [FunctionSignature] = []) {
        guard let node else { return }
        switch node.content {
        case .scalar(let text, _):
            guard text.contains("${{") else { return }
            do {
                _ = try TemplateString(text, namedValues: contexts, hostFunctions: functions)
            } catch {
                self.error(error.description, node)
            }
        case .sequence(let items):
            for item in items { checkTemplate(item, contexts: contexts, functions: functions) }
        case .mapping(let pairs):
            for pair in pairs {
                if let key = pair.key.scalar, TemplateValue.isInsertDirective(key) {
                    checkTemplate(pair.value, contexts: contexts, functions: functions)
                    continue
                }
                checkTemplate(pair.key, contexts: contexts, functions: functions)
                checkTemplate(pair.value, contexts: contexts, functions: functions)
            }
        }
    }

    /// An `if:` condition: either a bare expression or one wrapped in `${{ }}`.
    mutating func condition(_ node: YAMLNode?, contexts: Set<String>, functions: [FunctionSignature]) -> String? {
        guard let node else { return nil }
        guard let text = node.scalar else {
            error("if: must be a string expression", node)
            return nil
        }
        let stripped = Self.stripCondition(text, style: node)
        do {
            if text.contains("${{") && !Self.isWholeExpression(text) {
                _ = try TemplateString(text, namedValues: contexts, hostFunctions: functions)
            } else {
                _ = try Expression(stripped, namedValues: contexts, hostFunctions: functions)
            }
        } catch {
            self.error(error.description, node)
        }
        return stripped
    }

    static func isWholeExpression(_ text: String) -> Bool {
        let trimmed = text.trimmingCharacters(in: " \t\n\r")
        return trimmed.hasPrefix("${{") && trimmed.hasSuffix("}}") && !trimmed.dropFirst(3).contains("${{")
    }

    static func stripCondition(_ text: String, style node: YAMLNode) -> String {
        let trimmed = text.trimmingCharacters(in: " \t\n\r")
        if isWholeExpression(trimmed) {
            return String(trimmed.dropFirst(3).dropLast(2))
        }
        if node.isPlainScalar, case .bool = TemplateValue.typedPlainScalar(trimmed) { return trimmed }
        return trimmed.isEmpty ? "success()" : trimmed
    }

    // MARK: - Workflow

    mutating func workflow(_ root: YAMLNode) -> Workflow? {
        guard let pairs = mapping(root, "a workflow") else { return nil }
        checkKeys(pairs, allowed: Self.workflowKeys, context: "the workflow")
        var triggers: [EventTrigger] = []
        if let on = root["on"] {
            triggers = self.triggers(on)
        } else {
            error("Required property is missing: on", root)
        }
        let name = root["name"]?.scalar
        let runName = root["run-name"]
        checkTemplate(runName, contexts: ContextAvailability.runName)
        let env = keyValues(root["env"], "env", contexts: ContextAvailability.workflowEnv)
        let defaults = self.defaults(root["defaults"], contexts: ContextAvailability.jobDefaults)
        let concurrency = self.concurrency(root["concurrency"], contexts: ContextAvailability.workflowConcurrency)
        var jobs: [Job] = []
        if let jobsNode = root["jobs"] {
            if let jobPairs = mapping(jobsNode, "jobs") {
                if jobPairs.isEmpty { error("jobs: at least one job is required", jobsNode) }
                for pair in jobPairs {
                    if let job = job(pair.key, pair.value) { jobs.append(job) }
                }
            }
        } else {
            error("Required property is missing: jobs", root)
        }
        checkNeeds(jobs)
        return Workflow(
            path: file, name: name, runName: runName, triggers: triggers, env: env, defaults: defaults,
            concurrency: concurrency, jobs: jobs, location: root.location
        )
    }

    mutating func defaults(_ node: YAMLNode?, contexts: Set<String>) -> RunDefaults {
        guard let node, let pairs = mapping(node, "defaults") else { return RunDefaults() }
        checkKeys(pairs, allowed: ["run"], context: "defaults")
        guard let run = node["run"], let runPairs = mapping(run, "defaults.run") else { return RunDefaults() }
        checkKeys(runPairs, allowed: ["shell", "working-directory"], context: "defaults.run")
        checkTemplate(run["shell"], contexts: contexts)
        checkTemplate(run["working-directory"], contexts: contexts)
        return RunDefaults(shell: run["shell"], workingDirectory: run["working-directory"])
    }

    mutating func concurrency(_ node: YAMLNode?, contexts: Set<String>) -> ConcurrencySpec? {
        guard let node else { return nil }
        if node.scalar != nil {
            checkTemplate(node, contexts: contexts)
            return ConcurrencySpec(group: node, cancelInProgress: nil, queueMax: false)
        }
        guard let pairs = mapping(node, "concurrency") else { return nil }
        checkKeys(pairs, allowed: ["group", "cancel-in-progress", "queue"], context: "concurrency")
        guard let group = node["group"] else {
            error("Required property is missing: group", node)
            return nil
        }
        checkTemplate(group, contexts: contexts)
        checkTemplate(node["cancel-in-progress"], contexts: contexts)
        var queueMax = false
        if let queue = node["queue"] {
            switch queue.scalar {
            case "max": queueMax = true
            case "single": queueMax = false
            default: error("concurrency.queue must be 'single' or 'max'", queue)
            }
        }
        return ConcurrencySpec(group: group, cancelInProgress: node["cancel-in-progress"], queueMax: queueMax)
    }

    // MARK: - Triggers

    mutating func triggers(_ node: YAMLNode) -> [EventTrigger] {
        var result: [EventTrigger] = []
        func known(_ name: String, _ at: YAMLNode) -> Bool {
            if Self.knownEvents.contains(name) { return true }
            error("Unexpected value '\(name)': not a known event", at)
            return false
        }
        switch node.content {
        case .scalar(let name, _):
            if known(name, node) { result.append(EventTrigger(event: name, location: node.location)) }
        case .sequence(let items):
            for item in items {
                guard let name = item.scalar else { error("on: events must be strings", item); continue }
                if known(name, item) { result.append(EventTrigger(event: name, location: item.location)) }
            }
        case .mapping(let pairs):
            for pair in pairs {
                guard let name = pair.key.scalar, known(name, pair.key) else { continue }
                result.append(trigger(name, pair.value, at: pair.key.location))
            }
        }
        return result
    }

    mutating func patterns(_ node: YAMLNode?, _ what: String) -> [FilterPattern]? {
        guard let node else { return nil }
        var result: [FilterPattern] = []
        for text in stringList(node, what) {
            do { result.append(try FilterPattern(text)) } catch { self.error(error.description, node) }
        }
        if !result.isEmpty, result.allSatisfy(\.isNegated) {
            error("\(what): a list with '!' patterns needs at least one positive pattern", node)
        }
        return result
    }

    mutating func trigger(_ event: String, _ node: YAMLNode, at location: SourceLocation) -> EventTrigger {
        var trigger = EventTrigger(event: event, location: location)
        if node.isNull { return trigger }
        if event == "schedule" {
            if node.sequence == nil { error("schedule must be a sequence of cron entries", node) }
            return trigger
        }
        guard let pairs = mapping(node, "on.\(event)") else { return trigger }
        checkKeys(pairs, allowed: Self.eventFilterKeys, context: "on.\(event)")
        if let types = node["types"] { trigger.types = stringList(types, "types") }
        for (a, b) in [("branches", "branches-ignore"), ("tags", "tags-ignore"), ("paths", "paths-ignore")] where node[a] != nil && node[b] != nil {
            if let n = node[b] { error("\(a) and \(b) cannot be used together for the same event", n) }
        }
        trigger.branches = patterns(node["branches"], "branches")
        trigger.branchesIgnore = patterns(node["branches-ignore"], "branches-ignore")
        trigger.tags = patterns(node["tags"], "tags")
        trigger.tagsIgnore = patterns(node["tags-ignore"], "tags-ignore")
        trigger.paths = patterns(node["paths"], "paths")
        trigger.pathsIgnore = patterns(node["paths-ignore"], "paths-ignore")
        if let workflows = node["workflows"] { trigger.workflows = stringList(workflows, "workflows") }
        if let inputs = node["inputs"], !inputs.isNull, let inputPairs = mapping(inputs, "inputs") {
            for pair in inputPairs {
                if let input = input(pair.key, pair.value, event: event) { trigger.inputs.append(input) }
            }
        }
        if event == "workflow_call" {
            if let outputs = node["outputs"], let outputPairs = mapping(outputs, "outputs") {
                for pair in outputPairs {
                    guard let name = pair.key.scalar else { continue }
                    guard let value = pair.value["value"] else {
                        error("Required property is missing: value", pair.value)
                        continue
                    }
                    checkTemplate(value, contexts: ContextAvailability.workflowCallOutputs)
                    trigger.outputs.append((name, value))
                }
            }
            if let secrets = node["secrets"], !secrets.isNull, let secretPairs = mapping(secrets, "secrets") {
                for pair in secretPairs {
                    guard let name = pair.key.scalar else { continue }
                    let required = pair.value["required"]?.scalar == "true"
                    trigger.secrets.append((name, required))
                }
            }
        }
        return trigger
    }

    mutating func input(_ key: YAMLNode, _ node: YAMLNode, event: String) -> InputSpec? {
        guard let name = key.scalar else { return nil }
        var spec = InputSpec(name: name, kind: .string, required: false, defaultValue: nil, options: [], description: nil, location: key.location)
        if node.isNull { return spec }
        guard let pairs = mapping(node, "input '\(name)'") else { return nil }
        checkKeys(pairs, allowed: ["description", "required", "default", "type", "options", "deprecationMessage"], context: "input '\(name)'")
        if let type = node["type"]?.scalar {
            guard let kind = InputSpec.Kind(rawValue: type) else {
                error("input '\(name)': unknown type '\(type)' (expected string, boolean, choice, number or environment)", node["type"] ?? node)
                return nil
            }
            if event == "workflow_call", kind == .choice || kind == .environment {
                error("input '\(name)': type '\(type)' is only allowed for workflow_dispatch", node["type"] ?? node)
            }
            spec.kind = kind
        } else if event == "workflow_call" {
            error("Required property is missing: type", node)
        }
        spec.required = node["required"]?.scalar == "true"
        spec.defaultValue = node["default"]
        checkTemplate(spec.defaultValue, contexts: ContextAvailability.workflowCallInputDefault)
        spec.description = node["description"]?.scalar
        if let options = node["options"] { spec.options = stringList(options, "options") }
        if spec.kind == .choice, spec.options.isEmpty { error("input '\(name)': a choice input needs options", node) }
        if spec.kind == .choice, let def = spec.defaultValue?.scalar, !spec.options.contains(def) {
            error("input '\(name)': default '\(def)' is not one of the options", spec.defaultValue ?? node)
        }
        return spec
    }

    // MARK: - Jobs

    static func isValidIdentifier(_ id: String) -> Bool {
        guard let first = id.unicodeScalars.first, id.count < 100 else { return false }
        let isLetter = { (c: Unicode.Scalar) in (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") }
        guard isLetter(first) || first == "_" else { return false }
        return id.unicodeScalars.allSatisfy { isLetter($0) || ($0 >= "0" && $0 <= "9") || $0 == "_" || $0 == "-" }
    }

    mutating func job(_ key: YAMLNode, _ node: YAMLNode) -> Job? {
        guard let id = key.scalar else { error("job ids must be strings", key); return nil }
        if !Self.isValidIdentifier(id) {
            error("The identifier '\(id)' is invalid. IDs may only contain alphanumeric characters, '_', and '-'. IDs must start with a letter or '_' and and must be less than 100 characters.", key)
        }
        guard let pairs = mapping(node, "job '\(id)'") else { return nil }
        let uses = node["uses"]?.scalar
        checkKeys(pairs, allowed: uses != nil ? Self.reusableJobKeys : Self.jobKeys, context: "job '\(id)'")
        if uses == nil, node["runs-on"] == nil {
            error("Required property is missing: runs-on", node)
        }
        if uses != nil, node["runs-on"] != nil {
            error("job '\(id)': runs-on and uses cannot be used together", node)
        }
        var needs: [String] = []
        if let needsNode = node["needs"] { needs = stringList(needsNode, "needs") }
        let contexts = ContextAvailability.jobLevel
        var job = Job(
            id: id, name: node["name"], needs: needs, needsLocation: node["needs"]?.location,
            condition: condition(node["if"], contexts: ContextAvailability.jobIf, functions: ContextAvailability.jobIfFunctions),
            conditionLocation: node["if"]?.location,
            runsOn: node["runs-on"], env: keyValues(node["env"], "env", contexts: ContextAvailability.jobEnv),
            defaults: defaults(node["defaults"], contexts: ContextAvailability.jobDefaults), steps: [], strategy: nil,
            outputs: keyValues(node["outputs"], "outputs", contexts: ContextAvailability.jobOutputs, functions: ContextAvailability.stepFunctions),
            timeoutMinutes: node["timeout-minutes"], continueOnError: node["continue-on-error"],
            concurrency: concurrency(node["concurrency"], contexts: contexts), environment: node["environment"],
            container: node["container"], services: node["services"], uses: uses,
            with: keyValues(node["with"], "with", contexts: contexts),
            secretsInherit: node["secrets"]?.scalar == "inherit", secrets: [], location: key.location
        )
        checkTemplate(job.name, contexts: contexts)
        checkTemplate(job.runsOn, contexts: contexts)
        checkTemplate(job.timeoutMinutes, contexts: contexts)
        checkTemplate(job.continueOnError, contexts: contexts)
        checkTemplate(job.environment, contexts: contexts)
        if let secrets = node["secrets"], secrets.scalar != "inherit" {
            job.secrets = keyValues(secrets, "secrets", contexts: contexts.union(["secrets"]))
        }
        if let strategy = node["strategy"] {
            if let strategyPairs = mapping(strategy, "strategy") {
                checkKeys(strategyPairs, allowed: ["matrix", "fail-fast", "max-parallel"], context: "strategy")
                checkTemplate(strategy, contexts: ContextAvailability.jobStrategy)
                if let matrix = strategy["matrix"] { checkMatrix(matrix) }
                job.strategy = Strategy(matrix: strategy["matrix"], failFast: strategy["fail-fast"], maxParallel: strategy["max-parallel"])
            }
        }
        if uses == nil {
            if let stepsNode = node["steps"] {
                if let items = stepsNode.sequence {
                    job.steps = steps(items)
                } else {
                    error("steps must be a sequence", stepsNode)
                }
            }
        } else if let uses, !uses.hasPrefix("./"), !uses.contains("@") {
            error("job '\(id)': reusable workflow reference '\(uses)' must be './path' or 'owner/repo/path@ref'", node["uses"] ?? node)
        }
        return job
    }

    mutating func checkMatrix(_ node: YAMLNode) {
        if node.scalar != nil { return }  // a whole-matrix expression, checked at run time
        guard let pairs = mapping(node, "matrix") else { return }
        for pair in pairs {
            guard let key = pair.key.scalar else { continue }
            switch key {
            case "include", "exclude":
                if pair.value.scalar == nil, pair.value.sequence == nil {
                    error("matrix.\(key) must be a sequence of mappings", pair.value)
                }
            default:
                if let items = pair.value.sequence {
                    if items.isEmpty { error("Matrix vector '\(key)' does not contain any values", pair.value) }
                } else if pair.value.scalar == nil || !(pair.value.scalar ?? "").contains("${{") {
                    error("Unexpected value in matrix '\(key)': expected a sequence", pair.value)
                }
            }
        }
    }

    mutating func steps(_ items: [YAMLNode]) -> [Step] {
        var steps: [Step] = []
        var ids: Set<String> = []
        var generated: [Step] = []
        for item in items {
            guard let pairs = mapping(item, "a step") else { continue }
            checkKeys(pairs, allowed: Self.stepKeys, context: "a step")
            let uses = item["uses"]?.scalar
            let run = item["run"]
            if uses == nil, run == nil { error("Required property is missing: run or uses", item) }
            if uses != nil, run != nil { error("a step cannot have both 'uses' and 'run'", item) }
            if let uses, !uses.hasPrefix("./"), !uses.hasPrefix("docker://"), !uses.contains("@") {
                error("Expected format {org}/{repo}[/path]@ref. Actual '\(uses)'", item["uses"] ?? item)
            }
            var id = ""
            var explicit = false
            if let idNode = item["id"], let text = idNode.scalar {
                if !Self.isValidIdentifier(text) {
                    error("The identifier '\(text)' is invalid. IDs may only contain alphanumeric characters, '_', and '-'. IDs must start with a letter or '_' and and must be less than 100 characters.", idNode)
                } else if text.hasPrefix("__") {
                    error("The identifier '\(text)' is invalid. IDs starting with '__' are reserved.", idNode)
                } else if ids.contains(text.lowercased()) {
                    error("The identifier '\(text)' may not be used more than once within the same scope.", idNode)
                }
                id = text
                explicit = true
                ids.insert(text.lowercased())
            }
            let contexts = ContextAvailability.step
            let functions = ContextAvailability.stepFunctions
            for key in ["name", "run", "shell", "working-directory", "continue-on-error", "timeout-minutes"] {
                checkTemplate(item[key], contexts: contexts, functions: functions)
            }
            let step = Step(
                id: id, hasExplicitId: explicit, name: item["name"],
                condition: condition(item["if"], contexts: contexts, functions: functions),
                conditionLocation: item["if"]?.location,
                run: run, shell: item["shell"], workingDirectory: item["working-directory"], uses: uses,
                with: keyValues(item["with"], "with", contexts: contexts, functions: functions),
                env: keyValues(item["env"], "env", contexts: contexts, functions: functions),
                continueOnError: item["continue-on-error"], timeoutMinutes: item["timeout-minutes"], location: item.location
            )
            steps.append(step)
            if !explicit { generated.append(step) }
        }
        // Generated ids: __run, __owner_repo, with _2, _3 ... on collisions, as GitHub does.
        var used = ids
        for index in steps.indices where !steps[index].hasExplicitId {
            let base: String
            if let uses = steps[index].uses {
                let name = uses.split(separator: "@").first.map(String.init) ?? uses
                let cleaned = String(name.map { $0.isLetter || $0.isNumber ? $0 : "_" }).trimmingCharacters(in: "_")
                base = "__" + (cleaned.isEmpty ? "action" : cleaned)
            } else {
                base = "__run"
            }
            var candidate = base
            var counter = 2
            while used.contains(candidate.lowercased()) {
                candidate = "\(base)_\(counter)"
                counter += 1
            }
            used.insert(candidate.lowercased())
            steps[index].id = candidate
        }
        return steps
    }

    mutating func checkNeeds(_ jobs: [Job]) {
        let ids = Set(jobs.map(\.id))
        for job in jobs {
            for need in job.needs where !ids.contains(need) {
                diagnostics.append(Diagnostic("Job '\(job.id)' depends on unknown job '\(need)'.", at: job.needsLocation ?? job.location))
            }
        }
        if !jobs.isEmpty, !jobs.contains(where: { $0.needs.isEmpty }) {
            diagnostics.append(Diagnostic("The workflow must contain at least one job with no dependencies.", at: jobs[0].location))
            return
        }
        // Depth-first search for cycles, reporting each cycle once.
        var state: [String: Int] = [:]
        let byId = Dictionary(jobs.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        func visit(_ id: String, _ path: [String]) {
            if state[id] == 2 { return }
            if state[id] == 1 {
                if let job = byId[id], let from = path.last {
                    let location = byId[from]?.needsLocation ?? job.location
                    diagnostics.append(Diagnostic("Job '\(from)' depends on job '\(id)' which creates a cycle in the dependency graph.", at: location))
                }
                return
            }
            state[id] = 1
            for need in byId[id]?.needs ?? [] where byId[need] != nil { visit(need, path + [id]) }
            state[id] = 2
        }
        for job in jobs { visit(job.id, []) }
    }
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        var scalars = Substring(self)
        while let first = scalars.first, set.contains(first) { scalars = scalars.dropFirst() }
        while let last = scalars.last, set.contains(last) { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
