import Core
import Expressions
import Foundation
import Workflows

extension JobExecutor {
    /// Runs a `uses:` step: built-in actions, local composite or JavaScript actions, or mapped ones.
    func runAction(_ step: Step, uses: String, context: ExpressionContext, stepEnv: [(String, String)], state: State, timeout: Duration?)
        async throws -> StepOutcome
    {
        var inputs: [(String, String)] = []
        for (key, node) in step.with {
            do { inputs.append((key, try TemplateValue.string(node, in: context))) } catch {
                return StepOutcome(success: false, outputs: [:], message: "\(error)")
            }
        }
        let (name, ref) = Self.splitReference(uses)
        if !uses.hasPrefix("./"), let action = options.actions.action(named: name) {
            let invocation = ActionStep(
                name: name.lowercased(), ref: ref, stepID: step.id, inputs: inputs.map { (name: $0.0, value: $0.1) },
                timeout: timeout, executor: self, state: state, context: context, stepEnv: stepEnv)
            return try await action.run(invocation)
        }
        let directory: String
        if uses.hasPrefix("./") {
            directory = "\(workspace)/\(uses.dropFirst(2))"
        } else if let mapped = options.actionMap[uses] ?? options.actionMap[name] {
            directory = mapped
        } else if uses.hasPrefix("docker://") {
            return StepOutcome(
                success: false, outputs: [:],
                message: "'\(uses)': Docker actions need a container runtime, which Slipway's local runner does not use")
        } else {
            return StepOutcome(
                success: false, outputs: [:],
                message:
                    "action '\(uses)' is neither built in nor mapped; map it to a local checkout with --action-map "
                    + "\(name)@\(ref ?? "REF")=PATH (Slipway never fetches actions from the network)"
            )
        }
        let manifest = ["action.yml", "action.yaml"].map { "\(directory)/\($0)" }.first { FileManager.default.fileExists(atPath: $0) }
        guard let manifest, let text = try? String(contentsOfFile: manifest, encoding: .utf8) else {
            return StepOutcome(
                success: false, outputs: [:],
                message:
                    "Can't find 'action.yml' or 'action.yaml' under '\(directory)'. Did you forget to run actions/checkout before "
                    + "running your local action?"
            )
        }
        let action: ActionManifest
        do {
            action = try ActionManifest.load(text: text, path: manifest)
        } catch {
            return StepOutcome(success: false, outputs: [:], message: "\(error)")
        }
        // inputs context: declared defaults, then `with:` values.
        var inputValues: [(String, ExpressionValue)] = []
        for input in action.inputs {
            var value = input.defaultValue.map { (try? TemplateValue.string($0, in: context)) ?? "" } ?? ""
            if let given = inputs.first(where: { $0.0.lowercased() == input.name.lowercased() }) { value = given.1 }
            inputValues.append((input.name, .string(value)))
        }
        for (key, value) in inputs where !inputValues.contains(where: { $0.0.lowercased() == key.lowercased() }) {
            await emit(state, "Warning: unexpected input '\(key)' for '\(uses)'")
            inputValues.append((key, .string(value)))
        }
        var inputEnv: [String: String] = [:]
        for (key, value) in inputValues {
            inputEnv[Self.inputVariable(key)] = value.coercedString
        }
        switch action.using {
        case "composite":
            return try await runComposite(
                action, directory: directory, inputs: inputValues, inputEnv: inputEnv, context: context, stepEnv: stepEnv, state: state,
                timeout: timeout)
        case let using where using.hasPrefix("node"):
            guard let main = action.main else {
                return StepOutcome(success: false, outputs: [:], message: "\(manifest): runs.main is required for \(using) actions")
            }
            var extra = inputEnv
            extra["GITHUB_ACTION_PATH"] = directory
            if state.container != nil {
                await emit(
                    state, "warning: \(using) action in a container job: it runs with the image's own node (GitHub mounts its runner's)")
            }
            return try await execute(
                script: "", shell: "node \(directory)/\(main)", workingDirectory: nil, stepID: step.id, context: context,
                stepEnv: stepEnv, extraEnv: extra, state: state, timeout: timeout
            )
        default:
            return StepOutcome(
                success: false, outputs: [:], message: "\(manifest): runs.using '\(action.using)' is not supported by the local runner")
        }
    }

    /// The variable an action reads an input from, as the runner names it: `INPUT_` + the name upper-cased, spaces as `_`.
    static func inputVariable(_ name: String) -> String {
        "INPUT_" + name.uppercased().replacingOccurrences(of: " ", with: "_")
    }

    static func splitReference(_ uses: String) -> (String, String?) {
        guard let at = uses.lastIndex(of: "@") else { return (uses, nil) }
        return (String(uses[..<at]), String(uses[uses.index(after: at)...]))
    }

    func runComposite(
        _ action: ActionManifest, directory: String, inputs: [(String, ExpressionValue)], inputEnv: [String: String],
        context outer: ExpressionContext, stepEnv: [(String, String)], state: State, timeout: Duration?
    ) async throws -> StepOutcome {
        // A composite action has its own steps context; its env does not leak back to the caller.
        var inner = outer
        inner["inputs"] = .object(ExpressionObject(inputs))
        if let github = outer["github"]?.objectValue {
            inner["github"] = .object(github.setting("action_path", .string(directory)))
        }
        var callerEnv = outer["env"]?.objectValue ?? ExpressionObject([])
        for (k, v) in stepEnv { callerEnv = callerEnv.setting(k, .string(v)) }
        var steps: [(String, ExpressionValue)] = []
        var failed = false
        for (index, step) in action.steps.enumerated() {
            inner["steps"] = .object(ExpressionObject(steps))
            StatusSnapshot(success: !failed && !state.failed, failure: failed || state.failed, cancelled: state.cancelled).install(
                into: &inner)
            var stepEnvObject = callerEnv
            inner["env"] = .object(stepEnvObject)
            let id = step.id.isEmpty ? "__composite_\(index)" : step.id
            let run = try effectiveCondition(step.condition).evaluate(in: inner).isTruthy
            guard run else {
                steps.append(
                    (
                        id,
                        .object(
                            ExpressionObject([
                                ("outputs", .object(ExpressionObject([]))), ("outcome", "skipped"), ("conclusion", "skipped"),
                            ]))
                    ))
                continue
            }
            var env = stepEnv
            for (key, node) in step.env {
                let value = try TemplateValue.string(node, in: inner)
                env.append((key, value))
                stepEnvObject = stepEnvObject.setting(key, .string(value))
            }
            inner["env"] = .object(stepEnvObject)
            let outcome: StepOutcome
            if let runNode = step.run {
                let script = try TemplateValue.string(runNode, in: inner)
                let shell = step.shell.flatMap { try? TemplateValue.string($0, in: inner) }
                let wd = step.workingDirectory.flatMap { try? TemplateValue.string($0, in: inner) }
                var extra = inputEnv
                extra["GITHUB_ACTION_PATH"] = directory
                outcome = try await execute(
                    script: script, shell: shell, workingDirectory: wd, stepID: id, context: inner, stepEnv: env, extraEnv: extra,
                    state: state, timeout: timeout)
            } else if let uses = step.uses {
                var nested = step
                if uses.hasPrefix("./") { nested.uses = uses }
                outcome = try await runAction(nested, uses: uses, context: inner, stepEnv: env, state: state, timeout: timeout)
            } else {
                outcome = StepOutcome(success: false, outputs: [:], message: "composite step has neither run nor uses")
            }
            let continueOnError = TemplateValue.flag(step.continueOnError, in: inner)
            let outcomeName = outcome.success ? "success" : "failure"
            let conclusion = outcome.success || continueOnError ? "success" : "failure"
            let outputs = ExpressionObject(outcome.outputs.sorted { $0.key < $1.key }.map { ($0.key, ExpressionValue.string($0.value)) })
            steps.append(
                (
                    id,
                    .object(
                        ExpressionObject([
                            ("outputs", .object(outputs)), ("outcome", .string(outcomeName)), ("conclusion", .string(conclusion)),
                        ]))
                ))
            if !outcome.success {
                if let message = outcome.message { await emit(state, "❌ \(message)") }
                if !continueOnError { failed = true }
            }
        }
        inner["steps"] = .object(ExpressionObject(steps))
        var outputs: [String: String] = [:]
        for (key, node) in action.outputs {
            outputs[key] = (try? TemplateValue.string(node, in: inner)) ?? ""
        }
        return StepOutcome(success: !failed, outputs: outputs, message: failed ? "composite action failed" : nil)
    }

    var repositorySlug: String {
        baseContext["github"]?["repository"].coercedString ?? ""
    }
}
