import Expressions

/// Which contexts and functions GitHub allows at each place of a workflow.
public enum ContextAvailability {
    public static let workflowConcurrency: Set<String> = ["github", "inputs", "vars"]
    public static let runName: Set<String> = ["github", "inputs", "vars"]
    public static let workflowEnv: Set<String> = ["github", "secrets", "inputs", "vars"]
    public static let jobIf: Set<String> = ["github", "needs", "vars", "inputs"]
    public static let jobStrategy: Set<String> = ["github", "needs", "vars", "inputs"]
    public static let jobLevel: Set<String> = ["github", "needs", "strategy", "matrix", "vars", "inputs"]
    public static let jobEnv: Set<String> = jobLevel.union(["secrets"])
    public static let jobDefaults: Set<String> = jobLevel.union(["env"])
    public static let jobOutputs: Set<String> = ["github", "needs", "strategy", "matrix", "job", "runner", "env", "vars", "secrets", "steps", "inputs"]
    public static let step: Set<String> = jobOutputs
    public static let workflowCallOutputs: Set<String> = ["github", "jobs", "vars", "inputs"]
    public static let workflowCallInputDefault: Set<String> = ["github", "inputs", "vars"]

    public static let stepFunctions: [FunctionSignature] = FunctionSignature.statusFunctions + [.hashFiles]
    /// At job level `success()` and `failure()` may name jobs: `success('build', 'test')`.
    public static let jobIfFunctions: [FunctionSignature] = [
        .init(name: "success", minArguments: 0, maxArguments: .max), .init(name: "failure", minArguments: 0, maxArguments: .max),
        FunctionSignature.always, FunctionSignature.cancelled,
    ]
}
