/// The name and arity of an expression function. Built-in functions are evaluated by the engine;
/// host functions (`hashFiles`, status functions) by an `ExpressionHost`.
public struct FunctionSignature: Sendable, Hashable {
    public let name: String
    public let minArguments: Int
    public let maxArguments: Int

    public init(name: String, minArguments: Int, maxArguments: Int) {
        self.name = name
        self.minArguments = minArguments
        self.maxArguments = maxArguments
    }

    public static let builtIns: [FunctionSignature] = [
        .init(name: "contains", minArguments: 2, maxArguments: 2),
        .init(name: "startsWith", minArguments: 2, maxArguments: 2),
        .init(name: "endsWith", minArguments: 2, maxArguments: 2),
        .init(name: "format", minArguments: 1, maxArguments: Int.max),
        .init(name: "join", minArguments: 1, maxArguments: 2),
        .init(name: "toJSON", minArguments: 1, maxArguments: 1),
        .init(name: "fromJSON", minArguments: 1, maxArguments: 1),
        .init(name: "case", minArguments: 3, maxArguments: Int.max),
    ]

    public static let hashFiles = FunctionSignature(name: "hashFiles", minArguments: 1, maxArguments: Int.max)
    public static let success = FunctionSignature(name: "success", minArguments: 0, maxArguments: 0)
    public static let failure = FunctionSignature(name: "failure", minArguments: 0, maxArguments: 0)
    public static let always = FunctionSignature(name: "always", minArguments: 0, maxArguments: 0)
    public static let cancelled = FunctionSignature(name: "cancelled", minArguments: 0, maxArguments: 0)
    public static let statusFunctions: [FunctionSignature] = [success, failure, always, cancelled]
    static let statusFunctionNames: Set<String> = ["success", "failure", "always", "cancelled"]
}
