import Core
import Foundation
import Runner

/// Runs one job instance as GitLab's runner does — on the host, or in its image under bubblewrap: `before_script` and
/// `script` in one shell (`set -eo pipefail` in bash, each command echoed as `$ command`) under the job's timeout, then
/// `after_script` in its own shell with `CI_JOB_STATUS` and five minutes, then cache and artifacts.
struct JobExecutor: Sendable {
    let job: PlannedJob
    let definition: GitLabJob
    let run: PipelineRunContext
    let jobID: Int
    let attempt: Int
    /// Artifacts and dotenv variables of the jobs this one receives from.
    let upstream: [(name: String, outcome: JobOutcome)]
    let workspace: GitLabWorkspaces.Workspace

    static let afterScriptTimeout: Double = 300
    static let defaultTimeout: Double = 3600

    func execute() async -> JobOutcome {
        let started = Date()
        let clock = ContinuousClock.now
        let log = JobLog(name: job.name, masker: run.masker, reporter: run.reporter)
        let say: @Sendable (String) async -> Void = { await log.say($0) }
        func finish(
            _ status: GitLabJobStatus, exit: Int32? = nil, reason: String? = nil, dotenv: [GitLabVariable] = [], artifacts: String? = nil
        )
            async -> JobOutcome
        {
            let elapsed = ContinuousClock.now - clock
            return JobOutcome(
                status: status, exitCode: exit, failureReason: reason, startedAt: started,
                duration: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
                log: await log.lines, dotenv: dotenv, artifactsDirectory: artifacts)
        }

        await say("Running with Slipway (GitLab CI), job \(jobID)\(attempt > 1 ? ", attempt \(attempt)" : "")")
        if let trigger = definition.trigger {
            await say("Downstream pipeline \(trigger) is not started: Slipway runs no child or multi-project pipelines yet")
            return await finish(.skipped)
        }
        if !job.missingDependencies.isEmpty {
            await say(
                "This job could not start because it could not retrieve the needed artifacts: \(job.missingDependencies.joined(separator: ", ")) not in this pipeline."
            )
            return await finish(.failed, reason: "missing_dependency_failure")
        }
        await say(
            workspace.note
                ?? "Workspace: \(workspace.isWorktree ? "a fresh worktree of" : "the working tree at") \(run.context.sha.prefix(8))")
        if let kubeconfig = run.kubeconfig {
            await say("KUBECONFIG: the local target's Kubernetes API (\(kubeconfig))")
        }
        let temporary = "\(run.stateDirectory)/tmp/\(jobID)-\(attempt)"
        try? FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        // Resolved once: the environment and every keyword GitLab expands (`image`, cache keys, artifact paths) see the
        // same values.
        let variables = self.variables(projectDirectory: workspace.path)
        let values = variables.dictionary
        let expand: (String) -> String = { text in VariableExpansion.expand(text) { values[$0] } }

        // The image: its root filesystem under bubblewrap when Slipway has it (its store, or a registry on this
        // machine), else the host, said once.
        var sandbox: JobSandbox?
        if let image = definition.image.map(expand), !image.isEmpty {
            var shared = [workspace.path, temporary]
            if let kubeconfig = run.kubeconfig { shared.append((kubeconfig as NSString).deletingLastPathComponent) }
            switch await JobSandbox.prepare(image: image, run: run, shared: shared, name: "\(jobID)-\(attempt)") {
            case .ready(let prepared):
                sandbox = prepared
                await say("Executor: bubblewrap in the root filesystem of image \(image)")
            case .unavailable(let reason):
                await say("Image \(image) is not used: \(reason); Executor: shell on the host")
            case .failed(let reason):
                await say("ERROR: Job failed: image \(image): \(reason)")
                return await finish(.failed, reason: "runner_system_failure")
            }
        } else {
            await say("Executor: shell on the host")
        }
        defer { sandbox?.remove() }

        var environment = Self.environment(variables, base: sandbox?.environment ?? run.hostEnvironment)
        for variable in fileVariables() {
            let path = "\(temporary)/\(variable.name)"
            guard FileManager.default.createFile(atPath: path, contents: Data(variable.value.utf8), attributes: [.posixPermissions: 0o600])
            else {
                await say("ERROR: could not write the file of variable \(variable.name) under \(temporary)")
                return await finish(.failed, reason: "runner_system_failure")
            }
            environment[variable.name] = path
        }

        // Artifacts of earlier jobs.
        for (name, outcome) in upstream {
            guard let directory = outcome.artifactsDirectory else { continue }
            await say("Downloading artifacts for \(name) (\(outcome.status.rawValue))")
            GitLabArtifacts.restore(from: directory, into: workspace.path)
        }
        let caches = definition.cache.map {
            GitLabCache(spec: $0, expand: expand, root: "\(run.stateDirectory)/cache", workspace: workspace.path)
        }
        for cache in caches where cache.spec.policy != "push" {
            await say(cache.restore(into: workspace.path))
        }

        // before_script + script.
        let timeout = definition.timeout ?? Self.defaultTimeout
        let script = Self.script(definition.beforeScript + definition.script, shell: sandbox?.shell ?? "bash")
        let outcome = await shell(script, environment: environment, directory: workspace.path, timeout: timeout, sandbox: sandbox, say: say)
        var status: GitLabJobStatus = outcome.succeeded ? .success : .failed
        var reason: String? = nil
        if outcome.cancelled {
            status = .canceled
        } else if outcome.timedOut {
            reason = "job_execution_timeout"
            await say("ERROR: Job failed: execution took longer than \(GitLabDuration.describe(timeout))")
        } else if !outcome.succeeded {
            reason = "script_failure"
            await say("ERROR: Job failed: exit code \(outcome.exitCode.map(String.init) ?? "signal \(outcome.signal ?? 0)")")
        }

        if !definition.afterScript.isEmpty {
            var afterEnvironment = environment
            afterEnvironment["CI_JOB_STATUS"] = status == .success ? "success" : status == .canceled ? "canceled" : "failed"
            await say("Running after_script")
            let after = await shell(
                Self.script(definition.afterScript, shell: sandbox?.shell ?? "bash"), environment: afterEnvironment,
                directory: workspace.path, timeout: Self.afterScriptTimeout, sandbox: sandbox, say: say)
            if after.timedOut {
                await say("WARNING: after_script timed out after \(Int(Self.afterScriptTimeout)) seconds")
            } else if !after.succeeded {
                await say(
                    "WARNING: after_script failed, but the job continues unaffected: exit code \(after.exitCode.map(String.init) ?? "?")")
            }
        }

        for cache in caches where cache.spec.policy != "pull" && cache.applies(jobStatus: status) {
            await say(cache.save(from: workspace.path))
        }
        var dotenv: [GitLabVariable] = []
        var artifactsDirectory: String?
        if let spec = definition.artifacts, GitLabArtifacts.applies(spec.when, jobStatus: status) {
            let directory = "\(run.stateDirectory)/pipelines/\(run.context.pipelineID)/artifacts/\(jobID)"
            let saved = GitLabArtifacts.save(spec, from: workspace.path, to: directory, expand: expand)
            await say("Uploading artifacts: \(saved.files) file(s)")
            artifactsDirectory = directory
            for problem in saved.problems { await say("WARNING: \(problem)") }
            for file in spec.dotenv {
                let path = "\(workspace.path)/\(expand(file))"
                guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                    await say("WARNING: \(file): no matching files (reports:dotenv)")
                    continue
                }
                do {
                    dotenv += try DotEnv.parse(text, file: file).map { GitLabVariable(name: $0.0, value: $0.1) }
                } catch {
                    await say("WARNING: \(error.description)")
                }
            }
        }
        if status == .success { await say("Job succeeded") }
        return await finish(status, exit: outcome.exitCode, reason: reason, dotenv: dotenv, artifacts: artifactsDirectory)
    }

    /// The job's variables, lowest precedence first: predefined, global (as inherited), job, matrix and rule, dotenv
    /// of upstream jobs, project, pipeline; then every `$` reference expanded.
    func variables(projectDirectory: String) -> [GitLabVariable] {
        let context = run.context
        var list = context.predefinedVariables
        var jobValues: [(String, String)] = [
            ("CI_JOB_ID", String(jobID)), ("CI_JOB_NAME", job.name), ("CI_JOB_NAME_SLUG", PipelineContext.slug(job.name)),
            ("CI_JOB_STAGE", job.stage), ("CI_JOB_URL", "\(context.projectURL)/-/jobs/\(jobID)"),
            ("CI_JOB_STARTED_AT", ISO8601DateFormatter().string(from: Date())), ("CI_JOB_TOKEN", run.jobToken),
            ("CI_PROJECT_DIR", projectDirectory), ("CI_BUILDS_DIR", "\(run.stateDirectory)/builds"),
            ("CI_RUNNER_ID", "1"), ("CI_RUNNER_DESCRIPTION", "slipway"), ("CI_RUNNER_TAGS", "[]"), ("CI_CONCURRENT_ID", "0"),
            ("CI_CONFIG_PATH", run.configPath), ("CI_JOB_TIMEOUT", String(Int(definition.timeout ?? Self.defaultTimeout))),
        ]
        if job.when == .manual { jobValues.append(("CI_JOB_MANUAL", "true")) }
        if let index = job.nodeIndex, let total = job.nodeTotal {
            jobValues += [("CI_NODE_INDEX", String(index)), ("CI_NODE_TOTAL", String(total))]
        } else {
            jobValues.append(("CI_NODE_TOTAL", "1"))
        }
        if let kubeconfig = run.kubeconfig { jobValues.append(("KUBECONFIG", kubeconfig)) }
        list = list.overlaid(with: jobValues.map { GitLabVariable(name: $0.0, value: $0.1, expand: false) })
        let globals = definition.inheritedVariables.map { allowed in run.config.variables.filter { allowed.contains($0.name) } }
        list = list.overlaid(with: globals ?? run.config.variables)
        list = list.overlaid(with: job.variables)
        for (_, outcome) in upstream { list = list.overlaid(with: outcome.dotenv) }
        list = list.overlaid(with: context.projectVariables).overlaid(with: context.pipelineVariables)
        var resolved = VariableExpansion.resolve(list)
        if let environment = definition.environment {
            let lookup = resolved.dictionary
            let name = VariableExpansion.expand(environment.name) { lookup[$0] }
            var values = [
                ("CI_ENVIRONMENT_NAME", name), ("CI_ENVIRONMENT_SLUG", Self.environmentSlug(name)),
                ("CI_ENVIRONMENT_ACTION", environment.action), ("CI_ENVIRONMENT_TIER", environment.tier ?? Self.tier(for: name)),
            ]
            if let url = environment.url { values.append(("CI_ENVIRONMENT_URL", VariableExpansion.expand(url) { lookup[$0] })) }
            resolved = resolved.overlaid(with: values.map { GitLabVariable(name: $0.0, value: $0.1, expand: false) })
        }
        return resolved
    }

    static func environment(_ variables: [GitLabVariable], base: [String: String]) -> [String: String] {
        var environment = base
        for variable in variables where !variable.isFile {
            environment[variable.name] = variable.value
        }
        return environment
    }

    func fileVariables() -> [GitLabVariable] {
        (run.context.projectVariables + run.context.pipelineVariables).filter(\.isFile)
    }

    /// GitLab's environment slug: lower case, `-` for anything else, 24 characters, a suffix when shortened or changed.
    static func environmentSlug(_ name: String) -> String {
        var slug = String(name.lowercased().map { ($0.isASCII && ($0.isLetter || $0.isNumber)) ? $0 : "-" })
        while slug.contains("--") { slug = slug.replacingOccurrences(of: "--", with: "-") }
        if let first = slug.first, !first.isLetter { slug = "env-" + slug }
        while slug.hasSuffix("-") { slug.removeLast() }
        if slug.count > 24 { slug = String(slug.prefix(17)) + "-" + String(Self.suffix(name).prefix(6)) }
        return slug
    }

    static func suffix(_ name: String) -> String {
        var hash: UInt64 = 1_469_598_103_934_665_603
        for byte in name.utf8 { hash = (hash ^ UInt64(byte)) &* 1_099_511_628_211 }
        return String(hash, radix: 36)
    }

    /// GitLab's guess of a tier from the environment's name.
    static func tier(for name: String) -> String {
        let lower = name.lowercased()
        if lower.range(of: "^(prod|production|live)", options: .regularExpression) != nil { return "production" }
        if lower.range(of: "^(stag|staging|model|pre)", options: .regularExpression) != nil { return "staging" }
        if lower.range(of: "^(test|tst|int|ac(ce|)pt|qa|qc|control|quality)", options: .regularExpression) != nil { return "testing" }
        if lower.range(of: "^(dev|review|trunk)", options: .regularExpression) != nil { return "development" }
        return "other"
    }

    /// The commands as one script: each echoed as GitLab's runner echoes it, then run; the first failure ends it.
    /// bash gets `pipefail`; a POSIX sh gets it where it has it.
    static func script(_ commands: [String], shell: String) -> String {
        var lines =
            shell == "bash"
            ? ["set -eo pipefail", "set +o noclobber"] : ["set -e", "if (set -o pipefail) 2>/dev/null; then set -o pipefail; fi"]
        for command in commands {
            lines.append("printf '%s\\n' \(shellQuoted("$ " + command))")
            lines.append(command)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func shellQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    func shell(
        _ script: String, environment: [String: String], directory: String, timeout: Double, sandbox: JobSandbox?,
        say: @escaping @Sendable (String) async -> Void
    ) async -> ProcessOutcome {
        var executable = "bash"
        var arguments = ["--noprofile", "--norc", "-c", script]
        if let sandbox {
            let shellArguments = sandbox.shell == "bash" ? ["--noprofile", "--norc", "-c", script] : ["-c", script]
            (executable, arguments) = sandbox.command("/bin/\(sandbox.shell)", shellArguments, directory: directory)
        }
        do {
            return try await ProcessGroupRunner.run(
                executable: executable, arguments: arguments, environment: environment, workingDirectory: directory,
                timeout: .milliseconds(Int64(timeout * 1000)), onLine: say)
        } catch {
            await say("ERROR: could not start \(executable): \(error)")
            return ProcessOutcome(exitCode: nil, signal: nil, timedOut: false, cancelled: false)
        }
    }
}

/// A job's log as it is written: each line masked, shown live and kept.
actor JobLog {
    let name: String
    let masker: SecretMasker
    let reporter: any RunReporter
    private(set) var lines: [String] = []

    init(name: String, masker: SecretMasker, reporter: any RunReporter) {
        self.name = name
        self.masker = masker
        self.reporter = reporter
    }

    func say(_ line: String) async {
        let masked = masker.mask(line)
        lines.append(masked)
        await reporter.line(name, masked)
    }
}
