import Core

extension GitLabConfigLoader {
    /// Keys at the top level that are not jobs.
    static let globalKeys: Set<String> = [
        "default", "include", "stages", "variables", "workflow", "image", "services", "cache", "before_script", "after_script", "types",
        "spec",
    ]
    /// Keys `default:` may set (and the deprecated top-level forms of some of them).
    static let defaultKeys: Set<String> = [
        "after_script", "artifacts", "before_script", "cache", "hooks", "id_tokens", "image", "interruptible", "retry", "services", "tags",
        "timeout",
    ]

    func build(_ root: YAMLNode, files: [String]) throws -> GitLabConfig {
        var problems: [Diagnostic] = []
        var warnings: [Diagnostic] = []
        let pairs = root.mapping ?? []

        // Stages.
        var stages = GitLabConfig.defaultStages
        if let node = root["stages"] ?? root["types"] {
            if let items = node.sequence, items.allSatisfy({ $0.text != nil }) {
                stages = items.compactMap(\.text).filter { $0 != ".pre" && $0 != ".post" }
            } else if !node.isNull {
                problems.append(Diagnostic("stages config should be an array of strings", at: node.location))
            }
        }
        stages = [".pre"] + stages + [".post"]

        // Global variables and workflow.
        var reader = JobReader(stages: stages)
        let variables = root["variables"].map { reader.variables($0, context: "variables", global: true) } ?? []
        var workflowRules: [GitLabRuleEntry]?
        var workflowName: String?
        if let workflow = root["workflow"] {
            for pair in workflow.mapping ?? [] {
                switch pair.key.scalar ?? "" {
                case "rules": workflowRules = reader.rules(pair.value, context: "workflow", workflow: true)
                case "name": workflowName = pair.value.text
                case "auto_cancel":
                    warnings.append(
                        Diagnostic(
                            "workflow:auto_cancel is read but not acted on: Slipway cancels no pipeline for a newer one yet",
                            at: pair.key.location, severity: .warning))
                default:
                    reader.problems.append(
                        Diagnostic("workflow config contains unknown keys: \(pair.key.scalar ?? "")", at: pair.key.location))
                }
            }
        }

        // Defaults: `default:` over the deprecated top-level keys.
        var defaults: [(key: YAMLNode, value: YAMLNode)] = pairs.filter {
            guard let key = $0.key.scalar else { return false }
            return ["image", "services", "cache", "before_script", "after_script"].contains(key)
        }
        if let node = root["default"] {
            for pair in node.mapping ?? [] {
                let key = pair.key.scalar ?? ""
                guard Self.defaultKeys.contains(key) else {
                    reader.problems.append(Diagnostic("default config contains unknown keys: \(key)", at: pair.key.location))
                    continue
                }
                defaults.removeAll { $0.key.scalar == key }
                defaults.append(pair)
            }
        }

        // Jobs: every other top-level mapping; hidden ones serve `extends` and `!reference` only.
        var all: [String: YAMLNode] = [:]
        var keyLocations: [String: SourceLocation] = [:]
        var order: [String] = []
        for pair in pairs {
            guard let name = pair.key.text, !Self.globalKeys.contains(name) else { continue }
            all[name] = pair.value
            keyLocations[name] = pair.key.location
            order.append(name)
        }
        var jobs: [GitLabJob] = []
        for name in order where !name.hasPrefix(".") {
            guard let node = all[name] else { continue }
            guard node.mapping != nil else {
                problems.append(Diagnostic("jobs:\(name) config should be a hash", at: node.location))
                continue
            }
            var expanded = try extended(name, node, all: all, chain: [])
            expanded = applyingDefaults(defaults, to: expanded, job: name, reader: &reader)
            if var job = reader.job(name, expanded) {
                // Later messages about the job point at its name.
                job.location = keyLocations[name] ?? job.location
                jobs.append(job)
            }
        }
        problems += reader.problems
        warnings += reader.warnings
        if jobs.isEmpty, problems.isEmpty {
            problems.append(Diagnostic("jobs config should contain at least one visible job", at: root.location))
        }
        if problems.isEmpty { problems += Self.needsProblems(jobs, stages: stages) }
        guard problems.isEmpty else { throw Diagnostics(problems) }
        return GitLabConfig(
            stages: stages, jobs: jobs, variables: variables, workflowRules: workflowRules, workflowName: workflowName, files: files,
            warnings: Self.unique(warnings))
    }

    /// A job with its `extends` bases merged under it, deepest first.
    func extended(_ name: String, _ node: YAMLNode, all: [String: YAMLNode], chain: [String]) throws -> YAMLNode {
        guard let extends = node["extends"] else { return node }
        guard !chain.contains(name) else {
            throw Diagnostic("\(chain.first ?? name): circular dependency detected in `extends`", at: extends.location)
        }
        guard chain.count < Self.maximumExtendsDepth else {
            throw Diagnostic("\(chain.first ?? name): nesting too deep in `extends`", at: extends.location)
        }
        let bases = extends.sequence ?? [extends]
        var merged: YAMLNode?
        for base in bases {
            guard let baseName = base.text else {
                throw Diagnostic("\(name): extends should be an array of strings or a string", at: base.location)
            }
            guard let baseNode = all[baseName] else {
                throw Diagnostic("\(name): unknown keys in `extends` (\(baseName))", at: base.location)
            }
            guard baseNode.mapping != nil else { throw Diagnostic("\(name): invalid base hash in `extends`", at: base.location) }
            let resolved = try extended(baseName, baseNode, all: all, chain: chain + [name]).removing("extends")
            merged = merged.map { $0.deepMerged(with: resolved) } ?? resolved
        }
        let own = node.removing("extends")
        return merged.map { $0.deepMerged(with: own) } ?? own
    }

    /// `default:` keys the job does not set itself, unless `inherit: default:` says otherwise.
    func applyingDefaults(
        _ defaults: [(key: YAMLNode, value: YAMLNode)], to job: YAMLNode, job name: String, reader: inout JobReader
    ) -> YAMLNode {
        var allowed: Set<String>? = nil
        if let inherit = job["inherit"]?["default"] {
            if let flag = inherit.bool {
                allowed = flag ? nil : []
            } else if let items = inherit.sequence {
                allowed = Set(items.compactMap(\.text))
            } else {
                reader.problems.append(
                    Diagnostic("jobs:\(name):inherit default should be a boolean or an array of strings", at: inherit.location))
            }
        }
        var result = job
        for pair in defaults {
            guard let key = pair.key.scalar, job[key] == nil, allowed.map({ $0.contains(key) }) ?? true else { continue }
            result = result.setting(key, pair.value)
        }
        return result
    }

    /// Problems with `needs` and `dependencies` that hold whatever the rules decide: unknown jobs, later stages, cycles.
    static func needsProblems(_ jobs: [GitLabJob], stages: [String]) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        let stageIndex = Dictionary(stages.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        let byName = Dictionary(jobs.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for job in jobs {
            let own = stageIndex[job.stage] ?? 0
            for need in job.needs ?? [] {
                guard let needed = byName[need.job] else {
                    if !need.optional { problems.append(Diagnostic("\(job.name) job: undefined need: \(need.job)", at: job.location)) }
                    continue
                }
                if (stageIndex[needed.stage] ?? 0) > own {
                    problems.append(
                        Diagnostic("\(job.name) job: need \(need.job) is not defined in current or prior stages", at: job.location))
                }
            }
            if let needs = job.needs, let dependencies = job.dependencies {
                let missing = dependencies.filter { name in !needs.contains { $0.job == name } }
                if !missing.isEmpty {
                    problems.append(
                        Diagnostic(
                            "\(job.name) job: dependencies the \(missing.joined(separator: ", ")) should be part of needs", at: job.location
                        ))
                }
            }
            for dependency in job.dependencies ?? [] {
                guard let needed = byName[dependency] else {
                    problems.append(Diagnostic("\(job.name) job: undefined dependency: \(dependency)", at: job.location))
                    continue
                }
                if (stageIndex[needed.stage] ?? 0) >= own {
                    problems.append(
                        Diagnostic("\(job.name) job: dependency \(dependency) is not defined in current or prior stages", at: job.location))
                }
            }
        }
        if problems.isEmpty, let cycle = needsCycle(jobs) {
            problems.append(
                Diagnostic("The pipeline has circular dependencies: \(cycle.joined(separator: " → "))", at: byName[cycle[0]]?.location))
        }
        return problems
    }

    /// A cycle among `needs` (possible within one stage), as the names along it.
    static func needsCycle(_ jobs: [GitLabJob]) -> [String]? {
        let edges = Dictionary(jobs.map { ($0.name, ($0.needs ?? []).map(\.job)) }, uniquingKeysWith: { first, _ in first })
        var state: [String: Int] = [:]  // 1 visiting, 2 done
        var stack: [String] = []
        func visit(_ name: String) -> [String]? {
            if state[name] == 2 { return nil }
            if state[name] == 1 {
                let start = stack.firstIndex(of: name) ?? 0
                return Array(stack[start...]) + [name]
            }
            state[name] = 1
            stack.append(name)
            for next in edges[name] ?? [] where edges[next] != nil {
                if let cycle = visit(next) { return cycle }
            }
            stack.removeLast()
            state[name] = 2
            return nil
        }
        for job in jobs { if let cycle = visit(job.name) { return cycle } }
        return nil
    }

    static func unique(_ warnings: [Diagnostic]) -> [Diagnostic] {
        var seen: Set<String> = []
        return warnings.filter { seen.insert($0.message).inserted }
    }
}
