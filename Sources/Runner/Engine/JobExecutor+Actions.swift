import Core
import Expressions
import Foundation
import Workflows

extension JobExecutor {
    /// Runs a `uses:` step: built-in actions, local composite or JavaScript actions, or mapped ones.
    func runAction(_ step: Step, uses: String, context: ExpressionContext, stepEnv: [(String, String)], state: State, timeout: Duration?) async throws -> StepOutcome {
        var inputs: [(String, String)] = []
        for (key, node) in step.with {
            do { inputs.append((key, try TemplateValue.string(node, in: context))) } catch {
                return StepOutcome(success: false, outputs: [:], message: "\(error)")
            }
        }
        let (name, ref) = Self.splitReference(uses)
        if Self.slipwayActions.contains(name.lowercased()) {
            return try await runSlipwayAction(name.lowercased(), stepID: step.id, inputs: inputs, context: context, stepEnv: stepEnv, state: state, timeout: timeout)
        }
        if let builtIn = try await runBuiltIn(name: name.lowercased(), ref: ref, inputs: inputs, state: state) {
            return builtIn
        }
        let directory: String
        if uses.hasPrefix("./") {
            directory = "\(workspace)/\(uses.dropFirst(2))"
        } else if let mapped = options.actionMap[uses] ?? options.actionMap[name] {
            directory = mapped
        } else if uses.hasPrefix("docker://") {
            return StepOutcome(success: false, outputs: [:], message: "'\(uses)': Docker actions need a container runtime, which Slipway's local runner does not use")
        } else {
            return StepOutcome(success: false, outputs: [:], message: "action '\(uses)' is neither built in nor mapped; map it to a local checkout with --action-map \(name)@\(ref ?? "REF")=PATH (Slipway never fetches actions from the network)")
        }
        let manifest = ["action.yml", "action.yaml"].map { "\(directory)/\($0)" }.first { FileManager.default.fileExists(atPath: $0) }
        guard let manifest, let text = try? String(contentsOfFile: manifest, encoding: .utf8) else {
            return StepOutcome(success: false, outputs: [:], message: "Can't find 'action.yml' or 'action.yaml' under '\(directory)'. Did you forget to run actions/checkout before running your local action?")
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
            return try await runComposite(action, directory: directory, inputs: inputValues, inputEnv: inputEnv, context: context, stepEnv: stepEnv, state: state, timeout: timeout)
        case let using where using.hasPrefix("node"):
            guard let main = action.main else {
                return StepOutcome(success: false, outputs: [:], message: "\(manifest): runs.main is required for \(using) actions")
            }
            var extra = inputEnv
            extra["GITHUB_ACTION_PATH"] = directory
            return try await execute(
                script: "", shell: "node \(directory)/\(main)", workingDirectory: nil, stepID: step.id, context: context,
                stepEnv: stepEnv, extraEnv: extra, state: state, timeout: timeout
            )
        default:
            return StepOutcome(success: false, outputs: [:], message: "\(manifest): runs.using '\(action.using)' is not supported by the local runner")
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

    func runComposite(_ action: ActionManifest, directory: String, inputs: [(String, ExpressionValue)], inputEnv: [String: String],
                      context outer: ExpressionContext, stepEnv: [(String, String)], state: State, timeout: Duration?) async throws -> StepOutcome {
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
            StatusSnapshot(success: !failed && !state.failed, failure: failed || state.failed, cancelled: state.cancelled).install(into: &inner)
            var stepEnvObject = callerEnv
            inner["env"] = .object(stepEnvObject)
            let id = step.id.isEmpty ? "__composite_\(index)" : step.id
            let run = try effectiveCondition(step.condition).evaluate(in: inner).isTruthy
            guard run else {
                steps.append((id, .object(ExpressionObject([("outputs", .object(ExpressionObject([]))), ("outcome", "skipped"), ("conclusion", "skipped")]))))
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
                outcome = try await execute(script: script, shell: shell, workingDirectory: wd, stepID: id, context: inner, stepEnv: env, extraEnv: extra, state: state, timeout: timeout)
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
            steps.append((id, .object(ExpressionObject([("outputs", .object(outputs)), ("outcome", .string(outcomeName)), ("conclusion", .string(conclusion))]))))
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

    /// Built-in implementations of popular actions; nil when `name` is not built in.
    func runBuiltIn(name: String, ref: String?, inputs: [(String, String)], state: State) async throws -> StepOutcome? {
        func input(_ key: String) -> String? { inputs.first { $0.0.lowercased() == key }?.1 }
        switch name {
        case "actions/checkout":
            let submodules = (input("submodules") ?? "false").lowercased()
            if let repository = input("repository"), !repository.isEmpty, repository.lowercased() != repositorySlug.lowercased() {
                guard let source = options.repoMap[repository] else {
                    return StepOutcome(success: false, outputs: [:], message: "actions/checkout of '\(repository)' needs --repo-map \(repository)=PATH")
                }
                let target = "\(workspace)/\(input("path") ?? "")"
                try? FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
                // Like actions/checkout: a fresh or reused clone, fetched, with the default branch (or `ref`) checked
                // out as a local branch at the remote's tip and untracked files removed — so a later `git push` works.
                let script = """
                    set -e
                    [ -d "$DST/.git" ] || git clone --quiet --no-hardlinks "$SRC" "$DST"
                    cd "$DST"
                    git remote set-url origin "$SRC"
                    git fetch --quiet --prune --tags origin '+refs/heads/*:refs/remotes/origin/*'
                    git remote set-head origin --auto >/dev/null
                    REF="${REF:-$(git symbolic-ref --short refs/remotes/origin/HEAD | sed 's#^origin/##')}"
                    REF="${REF#refs/heads/}"
                    if git show-ref --verify --quiet "refs/remotes/origin/$REF"; then
                      git checkout --quiet --force -B "$REF" "origin/$REF"
                    else
                      git checkout --quiet --force --detach "$REF"
                    fi
                    git clean -ffdxq
                    case "$SUBMODULES" in
                      recursive) git submodule sync --recursive -q && git submodule update --init --force --recursive -q ;;
                      true) git submodule sync -q && git submodule update --init --force -q ;;
                    esac
                    echo "checked out $(git rev-parse --short HEAD) ($REF) of \(repository) into $DST"
                    """
                return try await execute(script: script, shell: "bash", workingDirectory: nil, stepID: "checkout", context: baseContext, stepEnv: [("SRC", source), ("DST", target), ("REF", input("ref") ?? ""), ("SUBMODULES", submodules)], extraEnv: [:], state: state, timeout: nil)
            }
            await emit(state, "  | using the local working tree at \(workspace)")
            if submodules == "true" || submodules == "recursive" {
                // The working tree is the user's: initialise missing submodules, never reset existing ones.
                let script = "git submodule update --init\(submodules == "recursive" ? " --recursive" : "")"
                let outcome = try await execute(script: script, shell: "bash", workingDirectory: nil, stepID: "checkout", context: baseContext, stepEnv: [], extraEnv: [:], state: state, timeout: nil)
                guard outcome.success else { return outcome }
            }
            return StepOutcome(success: true, outputs: ["ref": options.event.ref, "commit": options.event.sha])
        case "actions/cache", "actions/cache/restore", "actions/cache/save":
            return await cacheAction(String(name.dropFirst("actions/cache".count).drop { $0 == "/" }), inputs: inputs, state: state)
        case "actions/upload-artifact":
            return await uploadArtifact(inputs: inputs, state: state)
        case "actions/download-artifact":
            return await downloadArtifact(inputs: inputs, state: state)
        case "actions/setup-go":
            return try await setupGo(inputs: inputs, state: state)
        case "actions/setup-node", "actions/setup-python":
            return await setupHostTool(name, inputs: inputs, state: state)
        case "imranismail/setup-kustomize":
            // Slipway renders and edits kustomizations itself: put a `kustomize` that is this binary on PATH.
            let tools = "\(options.stateDirectory)/toolcache/kustomize-slipway"
            let link = tools + "/kustomize"
            guard let executable = Self.runningExecutable else {
                return StepOutcome(success: false, outputs: [:], message: "\(name): cannot locate the slipway executable")
            }
            try? FileManager.default.createDirectory(atPath: tools, withIntermediateDirectories: true)
            if (try? FileManager.default.destinationOfSymbolicLink(atPath: link)) != executable {
                try? FileManager.default.removeItem(atPath: link)
                do {
                    try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: executable)
                } catch {
                    return StepOutcome(success: false, outputs: [:], message: "\(name): cannot create \(link): \(error)")
                }
            }
            state.pathEntries.insert(tools, at: 0)
            await emit(state, "  | kustomize is Slipway's built-in kustomize v5.5 (\(link))")
            return StepOutcome(success: true, outputs: [:])
        case "docker/setup-buildx-action", "docker/setup-qemu-action":
            return StepOutcome(success: true, outputs: [:])
        default:
            return nil
        }
    }

    /// Runs an action the `slipway` binary implements (`slipway action NAME`) as a step runs a JavaScript action:
    /// inputs as `INPUT_*` variables (so secrets never reach a command line), outputs through `GITHUB_OUTPUT`.
    /// The Runner stays free of image code; the job's registry logins live in its private scratch directory.
    func runSlipwayAction(_ name: String, stepID: String, inputs: [(String, String)], context: ExpressionContext, stepEnv: [(String, String)],
                          state: State, timeout: Duration?) async throws -> StepOutcome {
        guard let executable = Self.slipwayExecutable else {
            return StepOutcome(success: false, outputs: [:], message: "\(name): cannot locate the slipway executable")
        }
        var extra: [String: String] = [:]
        for (key, value) in inputs { extra[Self.inputVariable(key)] = value }
        // The image store, registry settings and credentials the user configured for Slipway itself.
        for (key, value) in ProcessInfo.processInfo.environment
        where key.hasPrefix("SLIPWAY_") || ["DOCKER_CONFIG", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"].contains(key) {
            extra[key] = value
        }
        extra["SLIPWAY_AUTH_FILE"] = "\(scratchDirectory)/registry-auth.json"
        extra["SLIPWAY_EXECUTABLE_PATH"] = executable
        return try await execute(script: "exec \"$SLIPWAY_EXECUTABLE_PATH\" action \(name)", shell: "bash", workingDirectory: nil, stepID: stepID,
                                 context: context, stepEnv: stepEnv, extraEnv: extra, state: state, timeout: timeout)
    }

    /// Actions the `slipway` binary implements (`slipway action NAME`).
    static let slipwayActions: Set<String> = ["docker/login-action", "docker/metadata-action", "docker/build-push-action"]

    /// The `slipway` binary for built-in actions: `SLIPWAY_EXECUTABLE` (tests run the engine inside another
    /// process) or the running binary.
    static var slipwayExecutable: String? {
        if let configured = ProcessInfo.processInfo.environment["SLIPWAY_EXECUTABLE"], !configured.isEmpty { return configured }
        return runningExecutable
    }

    /// The absolute path of the running `slipway` binary (nil when it cannot be determined).
    static var runningExecutable: String? {
        if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return resolved }
        let argument = CommandLine.arguments.first ?? ""
        return argument.hasPrefix("/") ? argument : nil
    }

    var repositorySlug: String {
        baseContext["github"]?["repository"].coercedString ?? ""
    }
}
