import Core
import Expressions

/// Reads a workflow file, checks it against GitHub's rules and reports every problem with its position.
public struct WorkflowLoader {
    /// GitHub's limit on reusable workflows calling reusable workflows.
    public static let maximumCallDepth = 10

    var diagnostics: [Diagnostic] = []
    let file: String
    let resolver: ReusableWorkflowResolver
    let depth: Int
    /// Whether `resolver` is a real one: only then is a reference that cannot be found an error.
    let resolves: Bool

    init(file: String, resolver: ReusableWorkflowResolver, resolves: Bool, depth: Int) {
        self.file = file
        self.resolver = resolver
        self.resolves = resolves
        self.depth = depth
    }

    /// Parses `text` as the workflow at `path` (used in messages). Throws `Diagnostics` with every problem.
    /// With a `resolver`, jobs that call reusable workflows load them too, and their `with` and `secrets` are
    /// checked against what the called workflow declares.
    public static func load(text: String, path: String, resolver: ReusableWorkflowResolver? = nil) throws(Diagnostics) -> Workflow {
        try load(text: text, path: path, resolver: resolver ?? .none, resolves: resolver != nil, depth: 0)
    }

    static func load(text: String, path: String, resolver: ReusableWorkflowResolver, resolves: Bool, depth: Int) throws(Diagnostics)
        -> Workflow
    {
        var loader = WorkflowLoader(file: path, resolver: resolver, resolves: resolves, depth: depth)
        let root: YAMLNode?
        do {
            root = try YAMLDocument.parse(text, file: path, options: .init(allowAnchors: true, allowMergeKeys: false))
        } catch {
            throw Diagnostics([error])
        }
        guard let root else {
            throw Diagnostics([Diagnostic("the workflow file is empty", at: SourceLocation(file: path, line: 1, column: 1))])
        }
        var validator = SchemaValidator(schema: .workflow)
        validator.validate(root, as: "workflow-root-strict")
        let workflow = loader.workflow(root)
        let all = Self.merged(Self.tolerating(validator.diagnostics, shapes: Self.toleratedShapes(in: root)) + loader.diagnostics)
        let errors = all.filter { $0.severity == .error }
        guard errors.isEmpty, var workflow else { throw Diagnostics(all) }
        workflow.warnings = all.filter { $0.severity == .warning }
        workflow.source = text
        return workflow
    }

    /// Drops repeats (the schema and the model reader may both see an expression) and orders by position.
    static func merged(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        var seen: Set<Diagnostic> = []
        let unique = diagnostics.filter { seen.insert($0).inserted }
        return unique.enumerated().sorted { a, b in
            let l = (a.element.location?.line ?? 0, a.element.location?.column ?? 0, a.offset)
            let r = (b.element.location?.line ?? 0, b.element.location?.column ?? 0, b.offset)
            return l < r
        }.map(\.element)
    }

    // MARK: - Helpers

    mutating func error(_ message: String, _ node: YAMLNode) {
        diagnostics.append(Diagnostic(message, at: node.location))
    }

    // Shapes, keys and `${{ }}` contexts are the schema validator's job; the readers below only build the model
    // and skip what does not fit (the workflow is rejected anyway).

    func stringList(_ node: YAMLNode) -> [String] {
        if let text = node.scalar { return [text] }
        return (node.sequence ?? []).compactMap(\.scalar)
    }

    /// A mapping of names to (unevaluated) values; empty when absent, null or a whole-value expression.
    func keyValues(_ node: YAMLNode?) -> [(key: String, value: YAMLNode)] {
        (node?.mapping ?? []).compactMap { pair in pair.key.scalar.map { ($0, pair.value) } }
    }

    /// An `if:` condition: either a bare expression or one wrapped in `${{ }}`. Bare expressions are invisible to
    /// the schema validator (no `${{`), so they are checked here against the contexts of `definition`.
    mutating func condition(_ node: YAMLNode?, definition: String) -> String? {
        guard let node, let text = node.scalar else { return nil }
        let stripped = Self.stripCondition(text, style: node)
        let (names, functions) = WorkflowSchema.workflow.context(of: definition)
        do {
            if text.contains("${{") && !Self.isWholeExpression(text) {
                _ = try TemplateString(text, namedValues: names, hostFunctions: functions)
                // GitHub reads such an `if:` as a string template; its result is a non-empty string, so true. With a
                // status function inside, GitHub adds no implicit success(): it runs whatever happened before.
                let statusFunction = ["success()", "failure()", "always()", "cancelled()"].contains { text.contains($0) }
                diagnostics.append(
                    Diagnostic(
                        "this 'if:' mixes text and ${{ }}: GitHub evaluates it as a string, which is never empty, so it is always true"
                            + (statusFunction ? "" : " once earlier steps succeeded") + "; write the whole condition inside one ${{ }}",
                        at: node.location, severity: .warning))
                return statusFunction ? "always()" : "success()"
            } else {
                _ = try Expression(stripped, namedValues: names, hostFunctions: functions)
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
            return String(trimmed.dropFirst(3).dropLast(2)).trimmingCharacters(in: " \t\n\r")
        }
        if node.isPlainScalar, case .bool = TemplateValue.typedPlainScalar(trimmed) { return trimmed }
        return trimmed.isEmpty ? "success()" : trimmed
    }

    // MARK: - Workflow

    mutating func workflow(_ root: YAMLNode) -> Workflow? {
        guard root.mapping != nil else { return nil }
        var triggers: [EventTrigger] = []
        if let on = root["on"] { triggers = self.triggers(on) }
        let name = root["name"]?.scalar
        let runName = root["run-name"]
        let env = keyValues(root["env"])
        let defaults = self.defaults(root["defaults"])
        let concurrency = self.concurrency(root["concurrency"])
        var jobs: [Job] = []
        if let jobsNode = root["jobs"] {
            if let jobPairs = jobsNode.mapping {
                if jobPairs.isEmpty { error("The workflow must contain at least one job with no dependencies.", jobsNode) }
                for pair in jobPairs {
                    if let job = job(pair.key, pair.value) { jobs.append(job) }
                }
            }
        }
        checkNeeds(jobs)
        var workflow = Workflow(
            path: file, name: name, runName: runName, triggers: triggers, env: env, defaults: defaults,
            concurrency: concurrency, jobs: jobs, location: root.location
        )
        workflow.permissions = root["permissions"]
        return workflow
    }

    func defaults(_ node: YAMLNode?) -> RunDefaults {
        guard let run = node?["run"], run.mapping != nil else { return RunDefaults() }
        return RunDefaults(shell: run["shell"], workingDirectory: run["working-directory"])
    }

    func concurrency(_ node: YAMLNode?) -> ConcurrencySpec? {
        guard let node else { return nil }
        if node.scalar != nil {
            return ConcurrencySpec(group: node, cancelInProgress: nil, queueMax: false)
        }
        guard let group = node["group"] else { return nil }
        var queueMax = false
        if let queue = node["queue"] { queueMax = queue.scalar == "max" }
        return ConcurrencySpec(group: group, cancelInProgress: node["cancel-in-progress"], queueMax: queueMax)
    }

    // MARK: - Triggers

    mutating func triggers(_ node: YAMLNode) -> [EventTrigger] {
        var result: [EventTrigger] = []
        switch node.content {
        case .scalar(let name, _):
            result.append(EventTrigger(event: name, location: node.location))
        case .sequence(let items):
            for item in items {
                if let name = item.scalar { result.append(EventTrigger(event: name, location: item.location)) }
            }
        case .mapping(let pairs):
            for pair in pairs {
                if let name = pair.key.scalar { result.append(trigger(name, pair.value, at: pair.key.location)) }
            }
        }
        return result
    }

    mutating func patterns(_ node: YAMLNode?, _ what: String) -> [FilterPattern]? {
        guard let node, !node.isNull else { return nil }  // an empty filter is ignored, as GitHub does
        var result: [FilterPattern] = []
        for text in stringList(node) {
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
        // `create` and `delete` take no filters: GitHub ignores any given (a warning says so), and so does Slipway.
        if event == "schedule" || event == "create" || event == "delete" { return trigger }
        guard node.mapping != nil else { return trigger }
        if let types = node["types"] { trigger.types = stringList(types) }
        for (a, b) in [("branches", "branches-ignore"), ("tags", "tags-ignore"), ("paths", "paths-ignore")]
        where node[a] != nil && node[b] != nil {
            // GitHub's parser accepts this; GitHub then refuses to trigger. Say so without failing validation.
            if let n = node[b] {
                diagnostics.append(
                    Diagnostic(
                        "\(a) and \(b) cannot be used together for the same event; GitHub will not start this workflow for '\(event)'",
                        at: n.location, severity: .warning))
            }
        }
        trigger.branches = patterns(node["branches"], "branches")
        trigger.branchesIgnore = patterns(node["branches-ignore"], "branches-ignore")
        trigger.tags = patterns(node["tags"], "tags")
        trigger.tagsIgnore = patterns(node["tags-ignore"], "tags-ignore")
        trigger.paths = patterns(node["paths"], "paths")
        trigger.pathsIgnore = patterns(node["paths-ignore"], "paths-ignore")
        if let workflows = node["workflows"] { trigger.workflows = stringList(workflows) }
        for pair in node["inputs"]?.mapping ?? [] {
            if let input = input(pair.key, pair.value) { trigger.inputs.append(input) }
        }
        if event == "workflow_call" {
            for pair in node["outputs"]?.mapping ?? [] {
                guard let name = pair.key.scalar, let value = pair.value["value"] else { continue }
                trigger.outputs.append((name, value))
            }
            for pair in node["secrets"]?.mapping ?? [] {
                guard let name = pair.key.scalar else { continue }
                trigger.secrets.append((name, pair.value["required"]?.scalar == "true"))
            }
        }
        return trigger
    }

    mutating func input(_ key: YAMLNode, _ node: YAMLNode) -> InputSpec? {
        guard let name = key.scalar else { return nil }
        var spec = InputSpec(
            name: name, kind: .string, required: false, defaultValue: nil, options: [], description: nil, location: key.location)
        if node.isNull { return spec }
        guard node.mapping != nil else { return nil }
        if let type = node["type"]?.scalar, let kind = InputSpec.Kind(rawValue: type) { spec.kind = kind }
        spec.required = node["required"]?.scalar == "true"
        spec.defaultValue = node["default"]
        spec.description = node["description"]?.scalar
        if let options = node["options"] { spec.options = stringList(options) }
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
        guard let id = key.scalar else {
            error("job ids must be strings", key)
            return nil
        }
        if !Self.isValidIdentifier(id) {
            error(
                "The identifier '\(id)' is invalid. IDs may only contain alphanumeric characters, '_', and '-'. IDs must start with a "
                    + "letter or '_' and and must be less than 100 characters.",
                key)
        } else if id.hasPrefix("__") {
            error("The identifier '\(id)' is invalid. IDs starting with '__' are reserved.", key)
        }
        guard node.mapping != nil else { return nil }
        let uses = node["uses"]?.scalar.map(Self.resolvingSelfRepository)
        var needs: [String] = []
        var needLocations: [SourceLocation] = []
        if let needsNode = node["needs"] {
            let items = needsNode.sequence ?? [needsNode]
            for item in items {
                guard let text = item.scalar else { continue }
                needs.append(text)
                needLocations.append(item.location)
            }
        }
        if let group = node["runs-on"]?["group"], let name = group.scalar, !name.contains("${{"),
            let message = Self.runnerGroupProblem(name)
        {
            error(message, group)
        }
        for (name, image) in containerImages(node) where image.isEmpty {
            error("Container image cannot be empty", name)
        }
        var job = Job(
            id: id, name: node["name"], needs: needs, needLocations: needLocations,
            condition: condition(node["if"], definition: "job-if"),
            conditionLocation: node["if"]?.location,
            runsOn: node["runs-on"], env: keyValues(node["env"]),
            defaults: defaults(node["defaults"]), steps: [], strategy: nil,
            outputs: keyValues(node["outputs"]),
            timeoutMinutes: node["timeout-minutes"], continueOnError: node["continue-on-error"],
            concurrency: concurrency(node["concurrency"]), environment: node["environment"],
            container: node["container"], services: node["services"], uses: uses,
            with: keyValues(node["with"]),
            secretsInherit: node["secrets"]?.scalar == "inherit", secrets: [], location: key.location
        )
        job.usesLocation = node["uses"]?.location
        job.permissions = node["permissions"]
        if let secrets = node["secrets"], secrets.scalar != "inherit" {
            job.secrets = keyValues(secrets)
        }
        if let strategy = node["strategy"] {
            if strategy.mapping != nil {
                if let matrix = strategy["matrix"] { checkMatrix(matrix) }
                job.strategy = Strategy(matrix: strategy["matrix"], failFast: strategy["fail-fast"], maxParallel: strategy["max-parallel"])
            }
        }
        if uses == nil {
            if let stepsNode = node["steps"] {
                if let items = stepsNode.sequence { job.steps = steps(items) }
            }
        } else if let uses, !uses.hasPrefix("./"), !uses.contains("@") {
            error("job '\(id)': reusable workflow reference '\(uses)' must be './path' or 'owner/repo/path@ref'", node["uses"] ?? node)
        } else if let uses, let usesNode = node["uses"] {
            job.called = call(uses, at: usesNode, job: node)
        }
        return job
    }

    mutating func checkMatrix(_ node: YAMLNode) {
        if node.scalar != nil { return }  // a whole-matrix expression, checked at run time
        guard let pairs = node.mapping else { return }
        for pair in pairs {
            guard let key = pair.key.scalar else { continue }
            if key != "include", key != "exclude", let items = pair.value.sequence, items.isEmpty {
                error("Matrix vector '\(key)' does not contain any values", pair.value)
            }
        }
    }

    mutating func steps(_ items: [YAMLNode]) -> [Step] {
        var steps: [Step] = []
        var ids: Set<String> = []
        var generated: [Step] = []
        for item in items {
            guard item.mapping != nil else { continue }
            let uses = item["uses"]?.scalar.map(Self.resolvingSelfRepository)
            let run = item["run"]
            if let uses, !uses.hasPrefix("./"), !uses.hasPrefix("docker://"), !Self.isRemoteActionReference(uses) {
                error("Expected format {org}/{repo}[/path]@ref. Actual '\(uses)'", item["uses"] ?? item)
            }
            var id = ""
            var explicit = false
            if let idNode = item["id"], let text = idNode.scalar {
                if !Self.isValidIdentifier(text) {
                    error(
                        "The identifier '\(text)' is invalid. IDs may only contain alphanumeric characters, '_', and '-'. IDs must start "
                            + "with a letter or '_' and and must be less than 100 characters.",
                        idNode)
                } else if text.hasPrefix("__") {
                    error("The identifier '\(text)' is invalid. IDs starting with '__' are reserved.", idNode)
                } else if ids.contains(text.lowercased()) {
                    error("The identifier '\(text)' may not be used more than once within the same scope.", idNode)
                }
                id = text
                explicit = true
                ids.insert(text.lowercased())
            }
            let step = Step(
                id: id, hasExplicitId: explicit, name: item["name"],
                condition: condition(item["if"], definition: "step-if"),
                conditionLocation: item["if"]?.location,
                run: run, shell: item["shell"], workingDirectory: item["working-directory"], uses: uses,
                with: keyValues(item["with"]),
                env: keyValues(item["env"]),
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

    /// A `runs-on.group` with a `/` must name one group: `organization/NAME` or `enterprise/NAME` (`org/`, `ent/`).
    static func runnerGroupProblem(_ name: String) -> String? {
        guard let slash = name.firstIndex(of: "/") else { return nil }
        let prefix = name[..<slash]
        let rest = name[name.index(after: slash)...]
        if rest.isEmpty { return "Invalid runs-on group name '\(name)'." }
        if ["organization", "enterprise", "org", "ent"].contains(prefix), !rest.contains("/") { return nil }
        return "Invalid runs-on group name '\(name)'. Please use 'organization/' or 'enterprise/' prefix to target a single runner group."
    }

    /// `owner/repo[/path]@ref`.
    /// `$/path` names a file of the workflow's own repository at the commit being run (GitHub, 2026-07), which is
    /// what `./path` already means here.
    static func resolvingSelfRepository(_ uses: String) -> String {
        uses.hasPrefix("$/") ? "./" + uses.dropFirst(2) : uses
    }

    static func isRemoteActionReference(_ uses: String) -> Bool {
        guard let at = uses.firstIndex(of: "@"), uses.index(after: at) < uses.endIndex else { return false }
        let parts = uses[..<at].split(separator: "/", omittingEmptySubsequences: false)
        return parts.count >= 2 && !parts[0].isEmpty && !parts[1].isEmpty
    }

    /// Loads a called workflow and checks the caller's `with` and `secrets` against its `workflow_call` trigger.
    mutating func call(_ reference: String, at usesNode: YAMLNode, job node: YAMLNode) -> CalledWorkflow? {
        guard depth < Self.maximumCallDepth else {
            error("Nested reusable workflow depth exceeded \(Self.maximumCallDepth).", usesNode)
            return nil
        }
        let source: WorkflowSource
        do {
            source = try resolver.resolve(reference)
        } catch {
            if resolves, case .notFound = error { self.error(error.description, usesNode) }
            return nil
        }
        let called: Workflow
        do {
            called = try Self.load(text: source.text, path: source.path, resolver: resolver, resolves: resolves, depth: depth + 1)
        } catch {
            diagnostics.append(contentsOf: error.items)
            return nil
        }
        guard let trigger = called.trigger("workflow_call") else {
            error("'\(reference)' is not a reusable workflow: it has no 'on: workflow_call' trigger", usesNode)
            return nil
        }
        let given = node["with"]?.mapping ?? []
        for pair in given {
            guard let key = pair.key.scalar else { continue }
            guard let spec = trigger.inputs.first(where: { $0.name.lowercased() == key.lowercased() }) else {
                error("Invalid input, \(key) is not defined in the referenced workflow.", pair.value)
                continue
            }
            // A literal must fit the declared type; expressions are checked when the job runs.
            if let text = pair.value.scalar, !text.contains("${{") {
                let typed = pair.value.isPlainScalar ? TemplateValue.typedPlainScalar(text) : .string(text)
                let fits =
                    switch (spec.kind, typed) {
                    case (.boolean, .bool), (.number, .number): true
                    case (.boolean, _), (.number, _): false
                    default: true
                    }
                if !fits { error("Unexpected value '\(text)'", pair.value) }
            }
        }
        for spec in trigger.inputs where spec.required {
            if !given.contains(where: { $0.key.scalar?.lowercased() == spec.name.lowercased() }) {
                error("Input \(spec.name) is required, but not provided while calling.", usesNode)
            }
        }
        if node["secrets"]?.scalar != "inherit" {
            let secrets = node["secrets"]?.mapping ?? []
            for pair in secrets {
                guard let key = pair.key.scalar else { continue }
                if !trigger.secrets.contains(where: { $0.name.lowercased() == key.lowercased() }) {
                    error("Invalid secret, \(key) is not defined in the referenced workflow.", pair.value)
                }
            }
            for secret in trigger.secrets where secret.required {
                if !secrets.contains(where: { $0.key.scalar?.lowercased() == secret.name.lowercased() }) {
                    error("Secret \(secret.name) is required, but not provided while calling.", usesNode)
                }
            }
        }
        return CalledWorkflow(called)
    }

    /// The `image` of `container` and of every service, with the node to blame when it is empty.
    func containerImages(_ job: YAMLNode) -> [(node: YAMLNode, image: String)] {
        var result: [(YAMLNode, String)] = []
        func check(_ container: YAMLNode?) {
            guard let container, container.mapping != nil else { return }
            guard let image = container["image"] else {
                result.append((container, ""))
                return
            }
            if image.isNull { return }  // reported by the schema as an unexpected empty value
            if let text = image.scalar { result.append((container, text.trimmingCharacters(in: " \t"))) }
        }
        check(job["container"])
        for pair in job["services"]?.mapping ?? [] { check(pair.value) }
        return result
    }

    mutating func checkNeeds(_ jobs: [Job]) {
        let ids = Set(jobs.map(\.id))
        for job in jobs {
            for (index, need) in job.needs.enumerated() where !ids.contains(need) {
                diagnostics.append(Diagnostic("Job '\(job.id)' depends on unknown job '\(need)'.", at: job.needLocation(index)))
            }
        }
        if !jobs.isEmpty, !jobs.contains(where: { $0.needs.isEmpty }) {
            diagnostics.append(Diagnostic("The workflow must contain at least one job with no dependencies.", at: jobs[0].location))
            return
        }
        // Every edge inside a strongly connected component closes a cycle; GitHub reports each such edge.
        let components = Self.stronglyConnectedComponents(jobs)
        for job in jobs {
            for (index, need) in job.needs.enumerated() where ids.contains(need) {
                guard let a = components[job.id], let b = components[need], a == b else { continue }
                diagnostics.append(
                    Diagnostic(
                        "Job '\(job.id)' depends on job '\(need)' which creates a cycle in the dependency graph.",
                        at: job.needLocation(index)))
            }
        }
    }

    /// Tarjan's algorithm; jobs alone in their component without a self-edge get no entry.
    static func stronglyConnectedComponents(_ jobs: [Job]) -> [String: Int] {
        let byId = Dictionary(jobs.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var index = 0
        var indices: [String: Int] = [:]
        var lowLinks: [String: Int] = [:]
        var stack: [String] = []
        var onStack: Set<String> = []
        var result: [String: Int] = [:]
        var component = 0
        func connect(_ id: String) {
            indices[id] = index
            lowLinks[id] = index
            index += 1
            stack.append(id)
            onStack.insert(id)
            for need in byId[id]?.needs ?? [] where byId[need] != nil {
                if indices[need] == nil {
                    connect(need)
                    lowLinks[id] = min(lowLinks[id] ?? 0, lowLinks[need] ?? 0)
                } else if onStack.contains(need) {
                    lowLinks[id] = min(lowLinks[id] ?? 0, indices[need] ?? 0)
                }
            }
            guard lowLinks[id] == indices[id] else { return }
            var members: [String] = []
            while let top = stack.popLast() {
                onStack.remove(top)
                members.append(top)
                if top == id { break }
            }
            let selfEdge = byId[id]?.needs.contains(id) == true
            if members.count > 1 || selfEdge {
                for member in members { result[member] = component }
                component += 1
            }
        }
        for job in jobs where indices[job.id] == nil { connect(job.id) }
        return result
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
