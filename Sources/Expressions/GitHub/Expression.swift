/// A parsed GitHub Actions expression (the text inside `${{ }}` or an `if:` condition).
public struct Expression: Sendable {
    public let source: String
    public let root: ExpressionNode

    /// Parses `source`.
    /// - Parameters:
    ///   - namedValues: the contexts allowed at this place (case-insensitive); `nil` allows any.
    ///   - hostFunctions: functions beyond the built-ins that the place allows (status functions, `hashFiles`).
    public init(
        _ source: String,
        namedValues: Set<String>? = nil,
        hostFunctions: [FunctionSignature] = FunctionSignature.statusFunctions + [.hashFiles]
    ) throws(ExpressionError) {
        var functions: [String: FunctionSignature] = [:]
        for signature in FunctionSignature.builtIns + hostFunctions { functions[signature.name.lowercased()] = signature }
        var parser = Parser(
            expression: source,
            namedValues: namedValues.map { Set($0.map { $0.lowercased() }) },
            functions: functions
        )
        self.source = source
        self.root = try parser.parse()
    }

    public func evaluate(in context: ExpressionContext) throws(ExpressionError) -> ExpressionValue {
        try Evaluator(expression: source, context: context).evaluate(root)
    }
}
