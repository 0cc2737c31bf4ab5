import Core
import Expressions
import Foundation
import Workflows

/// Builds the `github`, `inputs`, `vars`, `secrets` and `runner` contexts for a run.
struct ContextBuilder {
    let workflow: Workflow
    let options: RunOptions

    func workflowContext() async -> ExpressionContext {
        let git = if let known = options.repository { known } else { await GitRepository.inspect(options.repositoryRoot) }
        let event = options.event
        let slug = git.repositorySlug
        let owner = String(slug.split(separator: "/").first ?? "local")
        let actor = options.actor ?? git.userName ?? ProcessInfo.processInfo.environment["USER"] ?? "slipway"
        let inputs = options.callInputs ?? typedInputs()
        var payload = event.payload
        if event.name == "workflow_dispatch" {
            // github.event.inputs holds strings, unlike the typed inputs context.
            payload = payload.setting("inputs", .object(ExpressionObject(inputs.pairs.map { ($0.0, .string($0.1.coercedString)) })))
        }
        let eventPath = "\(options.stateDirectory)/runs/\(options.runID)/event.json"
        try? FileManager.default.createDirectory(
            atPath: "\(options.stateDirectory)/runs/\(options.runID)", withIntermediateDirectories: true)
        try? JSON.serialize(.object(payload)).write(toFile: eventPath, atomically: true, encoding: .utf8)
        let refType = event.isTag ? "tag" : "branch"
        let github: [(String, ExpressionValue)] = [
            ("action", ""), ("actor", .string(actor)), ("api_url", "https://api.github.com"),
            ("base_ref", .string(event.baseRef ?? "")), ("event", .object(payload)), ("event_name", .string(event.name)),
            ("event_path", .string(eventPath)), ("graphql_url", "https://api.github.com/graphql"),
            ("head_ref", .string(event.headRef ?? "")), ("job", ""), ("ref", .string(event.ref)),
            ("ref_name", .string(event.refName)), ("ref_protected", false), ("ref_type", .string(refType)),
            ("repository", .string(slug)), ("repository_owner", .string(owner)), ("retention_days", "90"),
            ("run_attempt", "1"), ("run_id", .string(String(options.runID))), ("run_number", .string(String(options.runNumber))),
            ("server_url", "https://github.com"), ("sha", .string(event.sha)), ("triggering_actor", .string(actor)),
            ("workflow", .string(workflow.displayName)), ("workflow_ref", .string("\(slug)/\(workflow.path)@\(event.ref)")),
            ("workspace", .string(options.repositoryRoot)),
        ]
        var context = ExpressionContext()
        context["github"] = .object(ExpressionObject(github))
        context["inputs"] = .object(inputs)
        context["vars"] = .object(ExpressionObject(options.vars.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }))
        context["secrets"] = .object(
            ExpressionObject(
                [("GITHUB_TOKEN", ExpressionValue.string(""))]
                    + options.secrets.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }
            ))
        context["runner"] = .object(
            ExpressionObject([
                ("os", "Linux"), ("arch", .string(RunnerPlatform.architecture)), ("name", "slipway"), ("environment", "self-hosted"),
                ("temp", .string("\(options.stateDirectory)/tmp")), ("tool_cache", .string("\(options.stateDirectory)/toolcache")),
                ("debug", ""),
            ]))
        context["env"] = .object(ExpressionObject([]))
        context["matrix"] = .object(ExpressionObject([]))
        context["strategy"] = .object(ExpressionObject([]))
        context["needs"] = .object(ExpressionObject([]))
        context["steps"] = .object(ExpressionObject([]))
        context["job"] = .object(ExpressionObject([]))
        return context
    }

    /// `inputs` for workflow_dispatch: declared defaults overridden by given values, typed by declaration.
    func typedInputs() -> ExpressionObject {
        guard let trigger = workflow.trigger(options.event.name), !trigger.inputs.isEmpty else {
            return ExpressionObject(options.event.inputs.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })
        }
        var pairs: [(String, ExpressionValue)] = []
        for spec in trigger.inputs {
            let raw = options.event.inputs[spec.name] ?? spec.defaultValue?.scalar
            let value: ExpressionValue
            switch spec.kind {
            case .boolean: value = .bool(raw == "true")
            case .number: value = raw.map { .number(NumberSyntax.parseLenient($0)) } ?? .null
            default: value = raw.map { .string($0) } ?? .string("")
            }
            pairs.append((spec.name, value))
        }
        return ExpressionObject(pairs)
    }
}
