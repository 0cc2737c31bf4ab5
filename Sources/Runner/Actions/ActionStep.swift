import Expressions
import Foundation

/// One step running a built-in action: its inputs and what the job lends it — the log (masked), a step process with
/// the job's environment and file commands, the job's `PATH`, post steps, and the run's options.
public struct ActionStep: Sendable {
    /// The `uses:` name, lower case, without `@ref`.
    public let name: String
    /// What followed `@` in `uses:`, if anything.
    public let ref: String?
    public let stepID: String
    /// `with:` values, evaluated, in the order written.
    public let inputs: [(name: String, value: String)]
    /// The time the step may still take (its `timeout-minutes`, or what is left of the job's).
    public let timeout: Duration?
    let executor: JobExecutor
    let state: JobExecutor.State
    let context: ExpressionContext
    let stepEnv: [(String, String)]

    public var options: RunOptions { executor.options }
    /// The job's working directory (`github.workspace`).
    public var workspace: String { executor.workspace }
    /// The job's own directory (`RUNNER_TEMP` is `<jobDirectory>/tmp`).
    public var jobDirectory: String { executor.jobDirectory }
    /// A private directory that lives as long as the job (mode 0700); credentials a job holds belong here.
    public var scratchDirectory: String { executor.scratchDirectory }
    /// `owner/name` of the repository the workflow runs for.
    public var repository: String { executor.repositorySlug }
    /// `github.server_url`.
    public var serverURL: String { context["github"]?["server_url"].coercedString ?? "https://github.com" }

    /// The environment a step process of this job would get (host basics, GitHub's variables, workflow, job,
    /// `GITHUB_ENV` and step `env`), for tools an action runs itself.
    public var environment: [String: String] { executor.environment(context: context, state: state, stepEnv: stepEnv) }

    /// An input's value as given, nil when absent or empty; names are case-insensitive.
    public func input(_ key: String) -> String? {
        inputs.first { $0.name.lowercased() == key.lowercased() }.map(\.value).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// An input trimmed of surrounding white space, nil when absent or blank.
    public func trimmedInput(_ key: String) -> String? {
        input(key).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A line in the job's log, masked like every other line.
    public func log(_ line: String) async { await executor.emit(state, line) }

    /// Runs a script as a step process: the job's environment, `extraEnvironment` on top, the step's file commands
    /// (`GITHUB_OUTPUT`, `GITHUB_ENV`, `GITHUB_PATH`), masking, the step's timeout and cancellation.
    public func runScript(
        _ script: String, shell: String = "bash", environment extraEnvironment: [String: String] = [:],
        workingDirectory: String? = nil
    ) async throws -> StepOutcome {
        try await executor.execute(
            script: script, shell: shell, workingDirectory: workingDirectory, stepID: stepID, context: context,
            stepEnv: stepEnv, extraEnv: extraEnvironment, state: state, timeout: timeout)
    }

    /// Sets an environment variable for the job's later steps, as a line in `GITHUB_ENV` does.
    public func exportVariable(_ name: String, _ value: String) {
        state.envFromFiles.removeAll { $0.0 == name }
        state.envFromFiles.append((name, value))
    }

    /// Puts a directory first on `PATH` for the job's later steps.
    public func prependPath(_ directory: String) { state.pathEntries.insert(directory, at: 0) }

    /// Registers a step that runs when the job ends, in reverse order of registration (as actions' `post:` entries).
    /// `onlyOnSuccess` is `post-if: success()`: skipped when the job failed or was cancelled.
    public func addPostStep(_ name: String, onlyOnSuccess: Bool = true, _ body: @escaping @Sendable () async -> StepOutcome) {
        state.postSteps.append(PostStep(name: name, onlyOnSuccess: onlyOnSuccess, body: body))
    }

    /// Whether bytes hold a secret (or a masked value) in any encoding the masker knows; stored files cannot be masked.
    public func containsSecret(_ data: Data) -> Bool { executor.masker.isFound(in: data) }
}
