import Core
import Expressions

/// Turns job mappings into `GitLabJob`s, collecting GitLab's message for every mistake.
struct JobReader {
    let stages: [String]
    var problems: [Diagnostic] = []
    var warnings: [Diagnostic] = []

    init(stages: [String]) { self.stages = stages }

    static let jobKeys: Set<String> = [
        "stage", "script", "run", "before_script", "after_script", "image", "services", "variables", "rules", "only", "except",
        "needs", "dependencies", "when", "start_in", "allow_failure", "retry", "timeout", "parallel", "artifacts", "cache",
        "environment", "resource_group", "interruptible", "tags", "coverage", "extends", "inherit", "trigger", "release", "secrets",
        "id_tokens", "hooks", "pages", "publish", "manual_confirmation", "dast_configuration", "identity", "type",
    ]
    /// Keys read and checked but not acted on, with what Slipway does instead.
    static let unhonoured: [String: String] = [
        "tags": "every job runs on Slipway's own runner, tags choose none",
        "coverage": "no coverage figure is extracted from the log",
        "release": "no release is created",
        "secrets": "no external secret provider is read",
        "id_tokens": "no ID token is issued to GitLab jobs yet",
        "hooks": "no runner hooks run",
        "pages": "no Pages site is published",
        "publish": "no Pages site is published",
        "manual_confirmation": "manual jobs are played without a confirmation text",
        "dast_configuration": "no DAST profile is applied",
        "identity": "no cloud identity is issued",
    ]

    mutating func problem(_ message: String, _ node: YAMLNode) {
        problems.append(Diagnostic(message, at: node.location))
    }

    mutating func job(_ name: String, _ node: YAMLNode) -> GitLabJob? {
        var job = GitLabJob(name: name, location: node.location)
        let context = "jobs:\(name)"
        let before = problems.count
        for pair in node.mapping ?? [] {
            let key = pair.key.scalar ?? ""
            let value = pair.value
            guard Self.jobKeys.contains(key) else {
                problems.append(Diagnostic("\(context) config contains unknown keys: \(key)", at: pair.key.location))
                continue
            }
            if let reason = Self.unhonoured[key], !value.isNull {
                warnings.append(Diagnostic("\(key) is read but not acted on: \(reason)", at: pair.key.location, severity: .warning))
            }
            switch key {
            case "stage", "type":
                if let stage = value.text { job.stage = stage } else { problem("\(context) stage should be a string", value) }
            case "script", "run": job.script = scriptLines(value, context: "\(context):\(key)")
            case "before_script": job.beforeScript = scriptLines(value, context: "\(context):before_script")
            case "after_script": job.afterScript = scriptLines(value, context: "\(context):after_script")
            case "image": job.image = value.text ?? value["name"]?.text
            case "services":
                job.services = (value.sequence ?? []).compactMap { $0.text ?? $0["name"]?.text }
                if !job.services.isEmpty {
                    warnings.append(
                        Diagnostic(
                            "services are read but not started: a job reaches its services' hosts only if they run already",
                            at: pair.key.location, severity: .warning))
                }
            case "variables": job.variables = variables(value, context: context, global: false)
            case "rules": job.rules = rules(value, context: context, workflow: false)
            case "only": job.only = refFilter(value, context: "\(context):only")
            case "except": job.except = refFilter(value, context: "\(context):except")
            case "needs": job.needs = needs(value, context: context)
            case "dependencies":
                if let items = value.sequence, items.allSatisfy({ $0.text != nil }) {
                    job.dependencies = items.compactMap(\.text)
                } else if !value.isNull {
                    problem("\(context) dependencies should be an array of strings", value)
                }
            case "when":
                guard let text = value.text, let when = GitLabWhen(rawValue: text) else {
                    problem("\(context) when should be one of: on_success, on_failure, always, manual, delayed", value)
                    continue
                }
                if when == .never {
                    problem("\(context) when:never can only be used in a rules section or workflow:rules", value)
                }
                job.when = when
            case "start_in": job.startIn = value.text
            case "allow_failure": job.allowFailure = allowFailure(value, context: context)
            case "retry": job.retry = retry(value, context: context)
            case "timeout":
                if let text = value.text, let seconds = GitLabDuration.seconds(text) {
                    job.timeout = seconds
                } else {
                    problem("\(context) timeout should be a duration", value)
                }
            case "parallel": job.parallel = parallel(value, context: context)
            case "artifacts": job.artifacts = artifacts(value, context: context)
            case "cache": job.cache = caches(value, context: context)
            case "environment": job.environment = environment(value, context: context)
            case "resource_group": job.resourceGroup = value.text
            case "interruptible":
                job.interruptible = value.bool
                if value.bool == nil { problem("\(context) interruptible config should be a boolean value", value) }
            case "tags": job.tags = (value.sequence ?? []).compactMap(\.text)
            case "coverage": job.coverage = value.text
            case "trigger":
                job.trigger = value.text ?? value["project"]?.text ?? value["include"].map { _ in "child pipeline" }
                warnings.append(
                    Diagnostic(
                        "trigger jobs are read but not run: Slipway starts no child or downstream pipelines yet", at: pair.key.location,
                        severity: .warning))
            case "inherit":
                if let flag = value["variables"] {
                    if let bool = flag.bool {
                        job.inheritsVariables = bool
                    } else if let items = flag.sequence {
                        job.inheritedVariables = Set(items.compactMap(\.text))
                    } else {
                        problem("\(context):inherit variables should be a boolean or an array of strings", flag)
                    }
                }
            default: break
            }
        }
        if job.script.isEmpty, job.trigger == nil, node["script"] == nil, node["run"] == nil {
            problems.append(Diagnostic("\(context) config should implement the script:, run:, or trigger: keyword", at: node.location))
        }
        if !stages.contains(job.stage) {
            problems.append(
                Diagnostic(
                    "\(name) job: chosen stage \(job.stage) does not exist; available stages are \(stages.joined(separator: ", "))",
                    at: node["stage"]?.location ?? node.location))
        }
        if job.rules != nil {
            for key in ["only", "except"] where node[key] != nil {
                problems.append(Diagnostic("\(context) may not use rules with: \(key)", at: node.keyLocation(key)))
            }
        }
        if job.when == .delayed, job.rules == nil {
            if let startIn = job.startIn {
                if GitLabDuration.seconds(startIn).map({ $0 > 604_800 }) ?? true {
                    problems.append(Diagnostic("\(context) start in should be a duration up to one week", at: node.keyLocation("start_in")))
                }
            } else {
                problems.append(Diagnostic("\(context) start in can't be blank", at: node.keyLocation("when")))
            }
        } else if job.startIn != nil, job.when != .delayed, job.rules == nil {
            problems.append(Diagnostic("\(context) start in should be blank", at: node.keyLocation("start_in")))
        }
        if let stop = job.environment?.onStop, stop.isEmpty {
            problems.append(Diagnostic("\(context) environment on stop should be a job name", at: node.keyLocation("environment")))
        }
        if !job.inheritsVariables { job.inheritedVariables = [] }
        return problems.count == before ? job : nil
    }

    /// `script` lines: a string, or an array of strings and arrays of strings (nested up to ten levels, flattened).
    mutating func scriptLines(_ node: YAMLNode, context: String) -> [String] {
        if let text = node.text { return [text] }
        if node.isNull { return [] }
        var lines: [String] = []
        func flatten(_ node: YAMLNode, depth: Int) -> Bool {
            if let text = node.scalar {
                lines.append(node.isNull ? "" : text)
                return true
            }
            guard depth < 10, let items = node.sequence else { return false }
            return items.allSatisfy { flatten($0, depth: depth + 1) }
        }
        guard flatten(node, depth: 0) else {
            problem("\(context) config should be a string or a nested array of strings up to 10 levels deep", node)
            return []
        }
        return lines
    }

    /// `variables:`: values as strings (null is empty), or `{value, expand, description, options}`.
    mutating func variables(_ node: YAMLNode, context: String, global: Bool) -> [GitLabVariable] {
        guard let pairs = node.mapping else {
            if !node.isNull { problem("\(context) variables config should be a hash of key value pairs", node) }
            return []
        }
        var result: [GitLabVariable] = []
        for pair in pairs {
            guard let name = pair.key.text else { continue }
            let value = pair.value
            if value.isNull {
                result.append(GitLabVariable(name: name, value: ""))
            } else if let text = value.scalar {
                result.append(GitLabVariable(name: name, value: text))
            } else if value.mapping != nil {
                let allowed: Set<String> = global ? ["value", "description", "expand", "options"] : ["value", "expand"]
                for key in (value.mapping ?? []).compactMap(\.key.scalar) where !allowed.contains(key) {
                    problem("\(context) variables config uses invalid data keys: \(key)", value)
                }
                result.append(
                    GitLabVariable(name: name, value: value["value"]?.text ?? "", expand: value["expand"]?.bool ?? true))
            } else {
                problem("\(context) variables config should be a hash of key value pairs, value can be a hash", value)
            }
        }
        return result
    }

    mutating func rules(_ node: YAMLNode, context: String, workflow: Bool) -> [GitLabRuleEntry] {
        guard let items = node.sequence else {
            problem("\(context):rules config should be an array of hashes", node)
            return []
        }
        let allowed: Set<String> =
            workflow
            ? ["if", "changes", "exists", "when", "variables", "auto_cancel"]
            : ["if", "changes", "exists", "when", "start_in", "allow_failure", "variables", "needs", "interruptible"]
        var result: [GitLabRuleEntry] = []
        for item in items {
            guard let pairs = item.mapping else {
                problem("\(context):rules:rule config should be a hash", item)
                continue
            }
            var rule = GitLabRuleEntry(location: item.location)
            for pair in pairs {
                let key = pair.key.scalar ?? ""
                let value = pair.value
                guard allowed.contains(key) else {
                    problems.append(Diagnostic("\(context):rules:rule config contains unknown keys: \(key)", at: pair.key.location))
                    continue
                }
                switch key {
                case "if":
                    guard let text = value.text else {
                        problem("\(context):rules:rule if should be a string", value)
                        continue
                    }
                    do { rule.condition = try GitLabRule(text) } catch {
                        problem("\(context):rules:rule if invalid expression syntax (\(error.message))", value)
                    }
                case "changes":
                    if let items = value.sequence {
                        rule.changes = GitLabChanges(paths: items.compactMap(\.text), compareTo: nil)
                    } else if value.mapping != nil {
                        rule.changes = GitLabChanges(
                            paths: (value["paths"]?.sequence ?? []).compactMap(\.text), compareTo: value["compare_to"]?.text)
                        if value["compare_to"] != nil {
                            warnings.append(
                                Diagnostic(
                                    "rules:changes:compare_to is read but not acted on: changes are those of the push", at: value.location,
                                    severity: .warning))
                        }
                    } else {
                        problem("\(context):rules:rule changes should be an array or a hash", value)
                    }
                case "exists":
                    if let items = value.sequence {
                        rule.exists = items.compactMap(\.text)
                    } else if let paths = value["paths"]?.sequence {
                        rule.exists = paths.compactMap(\.text)
                        if value["project"] != nil {
                            warnings.append(
                                Diagnostic(
                                    "rules:exists:project is read but not acted on: files are looked up in this project",
                                    at: value.location, severity: .warning))
                        }
                    } else if let text = value.text {
                        rule.exists = [text]
                    } else {
                        problem("\(context):rules:rule exists should be an array of strings or a hash", value)
                    }
                case "when":
                    guard let text = value.text, let when = GitLabWhen(rawValue: text) else {
                        problem("\(context):rules:rule when unknown value: \(value.text ?? value.kindName)", value)
                        continue
                    }
                    if workflow, ![.always, .never].contains(when) {
                        problem("\(context):rules:rule when unknown value: \(text)", value)
                    }
                    rule.when = when
                case "start_in": rule.startIn = value.text
                case "allow_failure": rule.allowFailure = allowFailure(value, context: "\(context):rules:rule")
                case "variables": rule.variables = variables(value, context: "\(context):rules:rule", global: false)
                case "needs": rule.needs = needs(value, context: "\(context):rules:rule")
                case "interruptible": rule.interruptible = value.bool
                case "auto_cancel": break
                default: break
                }
            }
            if rule.when == .delayed, rule.startIn == nil {
                problem("\(context):rules:rule start in can't be blank", item)
            }
            result.append(rule)
        }
        return result
    }

    mutating func refFilter(_ node: YAMLNode, context: String) -> GitLabRefFilter? {
        if let items = node.sequence {
            return GitLabRefFilter(refs: items.compactMap(\.text))
        }
        if let text = node.text { return GitLabRefFilter(refs: [text]) }
        guard let pairs = node.mapping else {
            problem("\(context) config should be an array of strings or a hash", node)
            return nil
        }
        var filter = GitLabRefFilter()
        for pair in pairs {
            let list = pair.value.stringList
            switch pair.key.scalar ?? "" {
            case "refs": filter.refs = list
            case "variables":
                for expression in list {
                    do { _ = try GitLabRule(expression) } catch {
                        problem("\(context) variables invalid expression syntax (\(error.message))", pair.value)
                    }
                }
                filter.variables = list
            case "changes": filter.changes = list
            case "kubernetes":
                filter.kubernetes = pair.value.text == "active"
                warnings.append(
                    Diagnostic(
                        "\(context):kubernetes is read but not acted on: the job is not filtered by a Kubernetes integration",
                        at: pair.key.location, severity: .warning))
            default:
                problems.append(Diagnostic("\(context) config contains unknown keys: \(pair.key.scalar ?? "")", at: pair.key.location))
            }
        }
        return filter
    }

    mutating func needs(_ node: YAMLNode, context: String) -> [GitLabNeed]? {
        if node.isNull { return [] }
        let items = node.sequence ?? [node]
        var result: [GitLabNeed] = []
        for item in items {
            if item["pipeline"] != nil || item["project"] != nil {
                warnings.append(
                    Diagnostic(
                        "needs on another project's or pipeline's job is read but not acted on: its artifacts are not fetched",
                        at: item.location, severity: .warning))
            } else if let name = item.text {
                result.append(GitLabNeed(job: name))
            } else if let name = item["job"]?.text {
                var need = GitLabNeed(job: name, artifacts: item["artifacts"]?.bool ?? true, optional: item["optional"]?.bool ?? false)
                if let matrix = item["parallel"]?["matrix"]?.sequence {
                    need.matrix = matrix.map { entry in
                        var values: [String: [String]] = [:]
                        for pair in entry.mapping ?? [] {
                            values[pair.key.scalar ?? ""] = pair.value.stringList
                        }
                        return values
                    }
                }
                result.append(need)
            } else {
                problem("\(context) needs config can only be a string or a hash", item)
            }
        }
        if result.count > 50 { problem("\(context) needs config has too many entries (maximum 50)", node) }
        return result
    }

    mutating func allowFailure(_ node: YAMLNode, context: String) -> GitLabAllowFailure? {
        if let flag = node.bool { return .allowed(flag) }
        if let codes = node["exit_codes"] {
            let list = codes.sequence ?? [codes]
            let values = list.compactMap { $0.text.flatMap(Int32.init) }
            guard values.count == list.count, !values.isEmpty else {
                problem("\(context) allow failure exit codes should be an integer or an array of integers", codes)
                return nil
            }
            return .exitCodes(values)
        }
        problem("\(context) allow failure should be a hash or a boolean value", node)
        return nil
    }

    static let retryReasons: Set<String> = [
        "always", "unknown_failure", "script_failure", "api_failure", "stuck_or_timeout_failure", "runner_system_failure",
        "runner_unsupported", "stale_schedule", "job_execution_timeout", "archived_failure", "unmet_prerequisites", "scheduler_failure",
        "data_integrity_failure",
    ]

    mutating func retry(_ node: YAMLNode, context: String) -> GitLabRetry {
        var retry = GitLabRetry()
        if let text = node.text, let count = Int(text) {
            retry.max = count
        } else if node.mapping != nil {
            retry.max = node["max"]?.text.flatMap(Int.init) ?? 0
            if let when = node["when"] {
                retry.when = when.stringList
                for reason in retry.when where !Self.retryReasons.contains(reason) {
                    problem("\(context):retry when contains unknown values: \(reason)", when)
                }
            }
            if let codes = node["exit_codes"] {
                retry.exitCodes = (codes.sequence ?? [codes]).compactMap { $0.text.flatMap(Int32.init) }
            }
        } else {
            problem("\(context) retry config should be an integer or a hash", node)
        }
        if !(0...2).contains(retry.max) {
            problem("\(context):retry max config must be less than or equal to 2", node)
        }
        return retry
    }

    mutating func parallel(_ node: YAMLNode, context: String) -> GitLabParallel? {
        if let text = node.text {
            guard let count = Int(text), (1...200).contains(count) else {
                problem("\(context):parallel config must be less than or equal to 200", node)
                return nil
            }
            return .count(count)
        }
        guard let entries = node["matrix"]?.sequence else {
            problem("\(context):parallel should be an integer or a hash", node)
            return nil
        }
        var matrix: [[(name: String, values: [String])]] = []
        for entry in entries {
            var combination: [(name: String, values: [String])] = []
            for pair in entry.mapping ?? [] {
                let values = pair.value.stringList
                combination.append((pair.key.scalar ?? "", values))
            }
            matrix.append(combination)
        }
        let total = matrix.map { $0.reduce(1) { $0 * max(1, $1.values.count) } }.reduce(0, +)
        if total > 200 { problem("\(context):parallel:matrix config generates too many jobs (maximum is 200)", node) }
        return .matrix(matrix)
    }

    mutating func artifacts(_ node: YAMLNode, context: String) -> GitLabArtifactsSpec {
        var spec = GitLabArtifactsSpec()
        for pair in node.mapping ?? [] {
            let value = pair.value
            let list = value.stringList
            switch pair.key.scalar ?? "" {
            case "paths": spec.paths = list
            case "exclude": spec.exclude = list
            case "untracked":
                spec.untracked = value.bool ?? false
                if spec.untracked {
                    warnings.append(
                        Diagnostic(
                            "artifacts:untracked is read but not acted on: only paths are kept", at: pair.key.location, severity: .warning))
                }
            case "when":
                guard let text = value.text, ["on_success", "on_failure", "always"].contains(text) else {
                    problem("\(context):artifacts when should be on_success, on_failure or always", value)
                    continue
                }
                spec.when = text
            case "expire_in":
                spec.expireIn = value.text
                warnings.append(
                    Diagnostic(
                        "artifacts:expire_in is read but not acted on: artifacts stay until .slipway/gitlab is removed",
                        at: pair.key.location, severity: .warning))
            case "name":
                spec.name = value.text
                warnings.append(
                    Diagnostic(
                        "artifacts:name is read but not acted on: artifacts are kept as files, not archives", at: pair.key.location,
                        severity: .warning))
            case "reports":
                for report in value.mapping ?? [] {
                    if report.key.scalar == "dotenv" {
                        spec.dotenv = report.value.stringList
                    } else {
                        warnings.append(
                            Diagnostic(
                                "artifacts:reports:\(report.key.scalar ?? "") is kept as an artifact but not interpreted",
                                at: report.key.location, severity: .warning))
                        spec.paths += report.value.stringList
                    }
                }
            case "expose_as", "public", "access":
                warnings.append(
                    Diagnostic("artifacts:\(pair.key.scalar ?? "") is read but not acted on", at: pair.key.location, severity: .warning))
            default:
                problems.append(
                    Diagnostic("\(context):artifacts config contains unknown keys: \(pair.key.scalar ?? "")", at: pair.key.location))
            }
        }
        return spec
    }

    mutating func caches(_ node: YAMLNode, context: String) -> [GitLabCacheSpec] {
        let entries = node.sequence ?? [node]
        var result: [GitLabCacheSpec] = []
        for entry in entries where !entry.isNull {
            var spec = GitLabCacheSpec()
            for pair in entry.mapping ?? [] {
                let value = pair.value
                let list = value.stringList
                switch pair.key.scalar ?? "" {
                case "key":
                    if let text = value.text {
                        spec.key = text
                    } else {
                        spec.keyFiles = value["files"]?.sequence?.compactMap(\.text) ?? []
                        spec.keyPrefix = value["prefix"]?.text
                    }
                case "paths": spec.paths = list
                case "untracked":
                    spec.untracked = value.bool ?? false
                    if spec.untracked {
                        warnings.append(
                            Diagnostic(
                                "cache:untracked is read but not acted on: only paths are cached", at: pair.key.location, severity: .warning
                            ))
                    }
                case "policy": spec.policy = value.text ?? "pull-push"
                case "when": spec.when = value.text ?? "on_success"
                case "fallback_keys": spec.fallbackKeys = list
                case "unprotect": break
                default:
                    problems.append(
                        Diagnostic("\(context):cache config contains unknown keys: \(pair.key.scalar ?? "")", at: pair.key.location))
                }
            }
            if !["pull-push", "pull", "push"].contains(spec.policy) {
                problem("\(context):cache policy should be pull-push, push, or pull", entry)
            }
            result.append(spec)
        }
        if result.count > 4 { problem("\(context):cache config no more than 4 caches can be created", node) }
        return result
    }

    mutating func environment(_ node: YAMLNode, context: String) -> GitLabEnvironmentSpec? {
        if let name = node.text { return GitLabEnvironmentSpec(name: name) }
        guard let name = node["name"]?.text else {
            problem("\(context):environment name can't be blank", node)
            return nil
        }
        var spec = GitLabEnvironmentSpec(name: name)
        spec.url = node["url"]?.text
        if let action = node["action"]?.text {
            guard ["start", "prepare", "stop", "verify", "access"].contains(action) else {
                problem("\(context):environment action should be start, stop, prepare, verify, or access", node)
                return nil
            }
            spec.action = action
        }
        spec.onStop = node["on_stop"]?.text
        if spec.onStop != nil {
            warnings.append(
                Diagnostic(
                    "environment:on_stop is read but not acted on: Slipway does not stop GitLab environments yet",
                    at: node.keyLocation("on_stop"), severity: .warning))
        }
        spec.tier = node["deployment_tier"]?.text
        spec.kubernetesAgent = node["kubernetes"]?["agent"]?.text
        return spec
    }
}
