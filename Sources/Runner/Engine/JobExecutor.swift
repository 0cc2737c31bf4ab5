import Core
import Crypto
import Expressions
import Foundation
import Workflows

/// Runs the steps of one job instance (one matrix combination) in order.
struct JobExecutor {
    let workflow: Workflow
    let job: Job
    let displayName: String
    let options: RunOptions
    let masker: SecretMasker
    let reporter: any RunReporter
    let baseContext: ExpressionContext
    let workspace: String
    let jobDirectory: String
    /// Step scripts and command files (see `ScratchSpace`); removed when the job ends.
    let scratchDirectory: String
    let deadline: ContinuousClock.Instant?
    /// Variables the runner gives every step besides GitHub's (`ACTIONS_ID_TOKEN_REQUEST_URL` and its token).
    var runnerEnvironment: [String: String] = [:]

    final class State: @unchecked Sendable {
        var steps: [(String, ExpressionValue)] = []
        var records: [StepRecord] = []
        var log: [String] = []
        var envFromFiles: [(String, String)] = []
        var pathEntries: [String] = []
        var failed = false
        var cancelled = false
        var failureReason: String?
        var groupDepth = 0
        var postSteps: [PostStep] = []
        /// Set for a `container:` job: where its steps run.
        var container: ContainerSandbox?
        /// The container's environment: the image's, then `container.env`.
        var containerEnv: [(String, String)] = []
        /// Directories to remove and processes to stop when the job ends.
        var containerRoots: [String] = []
        var services: [ServiceProcess] = []
        /// `job.services.<id>.ports`: each container port is served as is on this machine.
        var servicePorts: [(String, [String])] = []
    }

    func emit(_ state: State, _ text: String) async {
        let masked = masker.mask(text)
        state.log.append(masked)
        await reporter.line(displayName, masked)
    }

    /// Runs the job; returns its result, outputs and records.
    func run() async -> JobRecord {
        let started = Date()
        let clock = ContinuousClock.now
        let state = State()
        try? FileManager.default.createDirectory(atPath: "\(jobDirectory)/tmp", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratchDirectory) }
        // A job whose container or services cannot start runs none of its steps.
        var ready = true
        if !options.dryRun, job.container != nil || job.services != nil { ready = await startContainers(state) }
        if !ready { state.failed = true }
        for step in job.steps where ready {
            if Task.isCancelled || (deadline.map { ContinuousClock.now >= $0 } ?? false) {
                state.cancelled = true
            }
            await runStep(step, state: state)
        }
        await runPostSteps(state)
        await stopContainers(state)
        var context = stepContext(
            state: state,
            status: StatusSnapshot(success: !state.failed && !state.cancelled, failure: state.failed, cancelled: state.cancelled))
        context["env"] = envContext(state: state, stepEnv: [])
        var outputs: [String: String] = [:]
        for (key, node) in job.outputs {
            do {
                let value = try TemplateValue.string(node, in: context)
                if masker.mask(value) != value {
                    await emit(state, "Warning: skip output '\(key)' since it may contain secret.")
                    continue
                }
                outputs[key] = value
            } catch {
                await emit(state, "Error: \(error)")
            }
        }
        let result: Conclusion = state.cancelled ? (state.failed ? .failure : .cancelled) : (state.failed ? .failure : .success)
        return JobRecord(
            jobID: job.id, name: displayName, result: result, outputs: outputs, steps: state.records,
            startedAt: started, duration: (ContinuousClock.now - clock).seconds, log: state.log, failureReason: state.failureReason
        )
    }

    // MARK: - Contexts

    func stepsContext(_ state: State) -> ExpressionValue {
        .object(ExpressionObject(state.steps))
    }

    func stepContext(state: State, status: StatusSnapshot) -> ExpressionContext {
        var context = baseContext
        context["steps"] = stepsContext(state)
        context["job"] = .object(
            ExpressionObject([
                ("status", .string(state.cancelled ? "cancelled" : (state.failed ? "failure" : "success"))),
                ("container", .object(ExpressionObject([]))),
                (
                    "services",
                    .object(
                        ExpressionObject(
                            state.servicePorts.map { name, ports in
                                (name, .object(ExpressionObject([("ports", .object(ExpressionObject(ports.map { ($0, .string($0)) })))])))
                            }))
                ),
            ]))
        status.install(into: &context)
        let workspace = self.workspace
        context.setFunction("hashFiles") { args throws(ExpressionError) in
            .string(HashFiles.hash(patterns: args.map(\.coercedString), workspace: workspace))
        }
        return context
    }

    /// workflow env < job env < $GITHUB_ENV < step env.
    func envContext(state: State, stepEnv: [(String, String)]) -> ExpressionValue {
        var pairs: [(String, ExpressionValue)] = []
        if case .object(let base)? = baseContext["env"] { pairs = base.pairs }
        var object = ExpressionObject(pairs)
        for (k, v) in state.envFromFiles { object = object.setting(k, .string(v)) }
        for (k, v) in stepEnv { object = object.setting(k, .string(v)) }
        return .object(object)
    }

    // MARK: - Steps

    func stepName(_ step: Step, context: ExpressionContext) -> String {
        if let name = step.name, let text = try? TemplateValue.string(name, in: context) { return text }
        if let uses = step.uses { return "Run \(uses)" }
        if let run = step.run?.scalar {
            let first = run.split(separator: "\n").first.map(String.init) ?? run
            return "Run \(first)"
        }
        return step.id
    }

    func runStep(_ step: Step, state: State) async {
        let status = StatusSnapshot(success: !state.failed && !state.cancelled, failure: state.failed, cancelled: state.cancelled)
        var context = stepContext(state: state, status: status)
        context["env"] = envContext(state: state, stepEnv: [])
        let name = stepName(step, context: context)
        let startedAt = ContinuousClock.now

        func record(_ outcome: Conclusion, _ conclusion: Conclusion, _ outputs: [String: String]) {
            state.records.append(
                StepRecord(
                    id: step.id, name: masker.mask(name), outcome: outcome, conclusion: conclusion,
                    outputs: outputs.mapValues { masker.mask($0) }, duration: (ContinuousClock.now - startedAt).seconds))
            let outputObject = ExpressionObject(outputs.sorted { $0.key < $1.key }.map { ($0.key, ExpressionValue.string($0.value)) })
            state.steps.append(
                (
                    step.id,
                    .object(
                        ExpressionObject([
                            ("outputs", .object(outputObject)), ("outcome", .string(outcome.rawValue)),
                            ("conclusion", .string(conclusion.rawValue)),
                        ]))
                ))
        }

        // Condition.
        let shouldRun: Bool
        do {
            shouldRun = try effectiveCondition(step.condition).evaluate(in: context).isTruthy
        } catch {
            await emit(state, "Error: \(step.conditionLocation.map { "\($0): " } ?? "")\(error)")
            state.failed = true
            record(.failure, .failure, [:])
            return
        }
        guard shouldRun else {
            record(.skipped, .skipped, [:])
            return
        }
        if options.dryRun {
            await emit(state, "⭐ \(name) (dry run: not executed)")
            record(.success, .success, [:])
            return
        }
        await emit(state, "⭐ Run \(name.hasPrefix("Run ") ? String(name.dropFirst(4)) : name)")

        // Step env, evaluated against the env of the job so far.
        var stepEnv: [(String, String)] = []
        do {
            for (key, node) in step.env { stepEnv.append((key, try TemplateValue.string(node, in: context))) }
        } catch {
            await emit(state, "Error: \(error)")
            state.failed = true
            record(.failure, .failure, [:])
            return
        }
        context["env"] = envContext(state: state, stepEnv: stepEnv)

        let continueOnError = TemplateValue.flag(step.continueOnError, in: context)
        var timeout: Duration?
        if let node = step.timeoutMinutes, let minutes = (try? TemplateValue.evaluate(node, in: context))?.coercedNumber, minutes > 0,
            minutes.isFinite
        {
            timeout = .milliseconds(Int64(minutes * 60_000))
        }
        if let deadline {
            let remaining = deadline - ContinuousClock.now
            timeout = min(timeout ?? remaining, remaining)
        }

        let outcome: StepOutcome
        do {
            if let run = step.run {
                outcome = try await runScript(step, run: run, context: context, stepEnv: stepEnv, state: state, timeout: timeout)
            } else if let uses = step.uses {
                outcome = try await runAction(step, uses: uses, context: context, stepEnv: stepEnv, state: state, timeout: timeout)
            } else {
                outcome = StepOutcome(
                    success: false, outputs: [:],
                    message:
                        "\(step.location): background-step control (wait, wait-all, cancel, parallel) is not supported yet; steps marked "
                        + "background: true run in the foreground"
                )
            }
        } catch {
            outcome = StepOutcome(success: false, outputs: [:], message: "\(error)")
        }
        if let message = outcome.message { await emit(state, "❌ \(message)") }
        if outcome.cancelled { state.cancelled = true }
        if outcome.success {
            record(.success, .success, outcome.outputs)
        } else if outcome.cancelled {
            // A cancelled step cancels the job; it is not a failure, even with continue-on-error.
            state.failureReason = state.failureReason ?? outcome.message
            record(.cancelled, .cancelled, outcome.outputs)
        } else if continueOnError {
            await emit(state, "Step failed but continue-on-error is set")
            record(.failure, .success, outcome.outputs)
        } else {
            if outcome.timedOut { state.failureReason = "step '\(name)' timed out" }
            state.failed = true
            state.failureReason = state.failureReason ?? outcome.message ?? "step '\(name)' failed"
            record(.failure, .failure, outcome.outputs)
        }
    }

    // MARK: - run steps

    func shellCommand(_ step: Step, context: ExpressionContext, defaults: [RunDefaults]) -> (String?, String?) {
        var shell: String?
        if let node = step.shell { shell = try? TemplateValue.string(node, in: context) }
        var workingDirectory: String?
        if let node = step.workingDirectory { workingDirectory = try? TemplateValue.string(node, in: context) }
        for d in defaults {
            if shell == nil, let node = d.shell { shell = try? TemplateValue.string(node, in: context) }
            if workingDirectory == nil, let node = d.workingDirectory { workingDirectory = try? TemplateValue.string(node, in: context) }
        }
        return (shell, workingDirectory)
    }

    /// Resolves `shell:` to an executable and arguments with `{0}` as the script path.
    static func shellInvocation(_ shell: String?, scriptPath: String) -> (executable: String, arguments: [String], fileExtension: String) {
        switch shell {
        case nil:
            return ("bash", ["-e", scriptPath], ".sh")
        case "bash"?:
            return ("bash", ["--noprofile", "--norc", "-eo", "pipefail", scriptPath], ".sh")
        case "sh"?:
            return ("sh", ["-e", scriptPath], ".sh")
        case "python"?:
            return ("python3", [scriptPath], ".py")
        case "pwsh"?, "powershell"?:
            return ("pwsh", ["-command", ". '\(scriptPath)'"], ".ps1")
        case let custom?:
            let parts = custom.split(separator: " ").map(String.init)
            guard let executable = parts.first else { return ("bash", ["-e", scriptPath], ".sh") }
            var arguments = Array(parts.dropFirst())
            if let index = arguments.firstIndex(where: { $0.contains("{0}") }) {
                arguments[index] = arguments[index].replacingOccurrences(of: "{0}", with: scriptPath)
            } else {
                arguments.append(scriptPath)
            }
            return (executable, arguments, "")
        }
    }

    func runScript(_ step: Step, run: YAMLNode, context: ExpressionContext, stepEnv: [(String, String)], state: State, timeout: Duration?)
        async throws -> StepOutcome
    {
        let script: String
        do {
            script = try TemplateValue.string(run, in: context)
        } catch {
            return StepOutcome(success: false, outputs: [:], message: "\(error)")
        }
        let (shell, workingDirectory) = shellCommand(step, context: context, defaults: [job.defaults, workflow.defaults])
        return try await execute(
            script: script, shell: shell, workingDirectory: workingDirectory, stepID: step.id, context: context,
            stepEnv: stepEnv, extraEnv: [:], state: state, timeout: timeout
        )
    }

    /// Writes the script, runs it in its own process group and applies its file commands.
    func execute(
        script: String, shell: String?, workingDirectory: String?, stepID: String, context: ExpressionContext,
        stepEnv: [(String, String)], extraEnv: [String: String], state: State, timeout: Duration?
    ) async throws -> StepOutcome {
        let fm = FileManager.default
        let stepDir = "\(scratchDirectory)/\(stepID)-\(state.records.count)"
        try fm.createDirectory(atPath: stepDir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? fm.removeItem(atPath: stepDir) }
        let probe = Self.shellInvocation(shell, scriptPath: "")
        let scriptPath = "\(stepDir)/script\(probe.fileExtension)"
        try Self.writeScratchFile(scriptPath, script)
        var invocation = Self.shellInvocation(shell, scriptPath: scriptPath)
        // In a container job the default shell is bash -e when the image has bash, else sh -e, as on GitHub.
        if shell == nil, let container = state.container { invocation.executable = container.defaultShell }
        let files = [
            "GITHUB_OUTPUT": "output", "GITHUB_ENV": "env", "GITHUB_PATH": "path", "GITHUB_STEP_SUMMARY": "summary",
            "GITHUB_STATE": "state",
        ]
        var env = environment(context: context, state: state, stepEnv: stepEnv)
        for (variable, file) in files {
            let path = "\(stepDir)/\(file)"
            // Not FileManager.createFile: it writes a temporary file and renames it, five times per step.
            try Self.writeScratchFile(path, "")
            env[variable] = path
        }
        for (k, v) in extraEnv { env[k] = v }
        env["SHELL"] = invocation.executable
        let allowUnsecure = env["ACTIONS_ALLOW_UNSECURE_COMMANDS"] == "true"
        var directory = workspace
        if let workingDirectory, !workingDirectory.isEmpty {
            directory = workingDirectory.hasPrefix("/") ? workingDirectory : "\(workspace)/\(workingDirectory)"
        }
        guard fm.fileExists(atPath: directory) else {
            return StepOutcome(success: false, outputs: [:], message: "working-directory '\(directory)' does not exist")
        }
        let commandOutputs = OutputCollector()
        let stopToken = OutputCollector()
        let masker = self.masker
        var executable = invocation.executable
        var arguments = invocation.arguments
        if let container = state.container {
            env = containerEnvironment(env, state: state)
            guard let bubblewrap = HostExecutable.bubblewrap else {
                return StepOutcome(success: false, outputs: [:], message: "container jobs need bubblewrap (Debian bubblewrap)")
            }
            (executable, arguments) = container.command(executable, arguments, workingDirectory: directory, bubblewrap: bubblewrap)
        }
        let process = try await ProcessGroupRunner.run(
            executable: executable, arguments: arguments, environment: env,
            workingDirectory: directory, timeout: timeout
        ) { line in
            if let command = WorkflowCommand.parse(line) {
                if let token = stopToken.values["token"] {
                    if command.name == token { stopToken.remove("token") }
                    await emit(state, "  | \(line)")
                    return
                }
                switch command.name {
                case "stop-commands":
                    stopToken.set("token", command.message)
                    return
                case "set-env" where allowUnsecure:
                    if let name = command.properties["name"] { commandOutputs.setEnv(name, command.message) }
                    return
                case "add-path" where allowUnsecure:
                    commandOutputs.addPath(command.message)
                    return
                case "add-mask":
                    masker.add(command.message)
                    return
                case "set-output":
                    if let name = command.properties["name"] { commandOutputs.set(name, command.message) }
                    return
                case "group":
                    let title = masker.mask(command.message)
                    state.log.append("▼ \(title)")
                    await reporter.groupStarted(displayName, title)
                    return
                case "endgroup":
                    await reporter.groupEnded(displayName)
                    return
                case "debug":
                    return
                case "error", "warning", "notice":
                    var location = ""
                    if let file = command.properties["file"] {
                        location =
                            file + (command.properties["line"].map { ":\($0)" } ?? "") + (command.properties["col"].map { ":\($0)" } ?? "")
                            + ": "
                    }
                    await emit(state, "\(command.name): \(location)\(command.message)")
                    return
                default:
                    break
                }
            }
            await emit(state, "  | \(line)")
        }
        // Deprecated set-env / add-path commands, then the file commands.
        for (k, v) in commandOutputs.env {
            state.envFromFiles.removeAll { $0.0 == k }
            state.envFromFiles.append((k, v))
        }
        for entry in commandOutputs.paths { state.pathEntries.insert(entry, at: 0) }
        var outputs = commandOutputs.values
        do {
            let outputText = (try? String(contentsOfFile: "\(stepDir)/output", encoding: .utf8)) ?? ""
            for (k, v) in try FileCommands.parseKeyValues(outputText, file: "GITHUB_OUTPUT") { outputs[k] = v }
            let envText = (try? String(contentsOfFile: "\(stepDir)/env", encoding: .utf8)) ?? ""
            for (k, v) in try FileCommands.parseKeyValues(envText, file: "GITHUB_ENV") {
                state.envFromFiles.removeAll { $0.0 == k }
                state.envFromFiles.append((k, v))
            }
        } catch {
            return StepOutcome(success: false, outputs: outputs, message: "\(error)")
        }
        let pathText = (try? String(contentsOfFile: "\(stepDir)/path", encoding: .utf8)) ?? ""
        for line in pathText.split(separator: "\n") where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            state.pathEntries.insert(String(line), at: 0)
        }
        if process.timedOut {
            return StepOutcome(success: false, outputs: outputs, message: "The action has timed out.", timedOut: true)
        }
        if process.cancelled {
            return StepOutcome(success: false, outputs: outputs, message: "The operation was canceled.", cancelled: true)
        }
        if let code = process.exitCode, code != 0 {
            return StepOutcome(success: false, outputs: outputs, message: "Process completed with exit code \(code).")
        }
        if let signal = process.signal {
            return StepOutcome(success: false, outputs: outputs, message: "Process was terminated by signal \(signal).")
        }
        return StepOutcome(success: true, outputs: outputs)
    }

    /// The process environment: host basics, GitHub's variables, then workflow → job → GITHUB_ENV → step env.
    func environment(context: ExpressionContext, state: State, stepEnv: [(String, String)]) -> [String: String] {
        var env: [String: String] = [:]
        let host = ProcessInfo.processInfo.environment
        for key in ["HOME", "USER", "LANG", "LC_ALL", "TERM", "TMPDIR", "LOGNAME"] { env[key] = host[key] }
        var path = host["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        if !state.pathEntries.isEmpty { path = state.pathEntries.joined(separator: ":") + ":" + path }
        env["PATH"] = path
        for (k, v) in options.env { env[k] = v }
        if case .object(let github)? = context["github"] {
            let keys = [
                "sha", "ref", "ref_name", "ref_type", "repository", "repository_owner", "actor", "event_name", "run_id",
                "run_number", "run_attempt", "workflow", "server_url", "api_url", "graphql_url", "workspace", "event_path",
                "base_ref", "head_ref", "job", "triggering_actor", "workflow_ref", "action",
            ]
            for key in keys {
                if let value = github[key] { env["GITHUB_" + key.uppercased()] = value.coercedString }
            }
        }
        env["CI"] = "true"
        env["GITHUB_ACTIONS"] = "true"
        env["SLIPWAY"] = "true"
        env["RUNNER_OS"] = "Linux"
        env["RUNNER_ARCH"] = RunnerPlatform.architecture
        env["RUNNER_NAME"] = "slipway"
        env["RUNNER_TEMP"] = "\(jobDirectory)/tmp"
        env["RUNNER_TOOL_CACHE"] = "\(options.stateDirectory)/toolcache"
        for (k, v) in runnerEnvironment { env[k] = v }
        if case .object(let merged)? = context["env"] {
            for (k, v) in merged.pairs { env[k] = v.coercedString }
        }
        for (k, v) in stepEnv { env[k] = v }
        return env
    }

}

/// Collects `::set-output` values from the output callback.
final class OutputCollector: @unchecked Sendable {
    private let lock = NSLockLike()
    private var storage: [String: String] = [:]
    private var envStorage: [(String, String)] = []
    private var pathStorage: [String] = []
    func set(_ key: String, _ value: String) { lock.withLock { storage[key] = value } }
    func remove(_ key: String) { lock.withLock { storage[key] = nil } }
    func setEnv(_ key: String, _ value: String) { lock.withLock { envStorage.append((key, value)) } }
    func addPath(_ value: String) { lock.withLock { pathStorage.append(value) } }
    var values: [String: String] { lock.withLock { storage } }
    var env: [(String, String)] { lock.withLock { envStorage } }
    var paths: [String] { lock.withLock { pathStorage } }
}
extension JobExecutor {
    /// Writes a per-step scratch file with plain POSIX calls: Foundation's writes fsync, which costs more than a
    /// short step and buys nothing for files that only live as long as the run.
    static func writeScratchFile(_ path: String, _ text: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
        defer { close(fd) }
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
            }
            bytes = bytes.dropFirst(written)
        }
    }
}
