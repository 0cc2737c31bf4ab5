/// Named values (contexts such as `github`, `env`, `matrix`) and host functions available while evaluating.
public struct ExpressionContext: Sendable {
    public typealias HostFunction = @Sendable ([ExpressionValue]) throws(ExpressionError) -> ExpressionValue

    private var values: [String: ExpressionValue]
    private var hostFunctions: [String: HostFunction]

    public init(values: [String: ExpressionValue] = [:], functions: [String: HostFunction] = [:]) {
        self.values = [:]
        self.hostFunctions = [:]
        for (key, value) in values { self.values[key.lowercased()] = value }
        for (key, function) in functions { self.hostFunctions[key.lowercased()] = function }
    }

    public subscript(name: String) -> ExpressionValue? {
        get { values[name.lowercased()] }
        set { values[name.lowercased()] = newValue }
    }

    public mutating func setFunction(_ name: String, _ function: @escaping HostFunction) {
        hostFunctions[name.lowercased()] = function
    }

    func function(_ name: String) -> HostFunction? { hostFunctions[name.lowercased()] }

    /// The names of all defined contexts, lower-cased.
    public var names: Set<String> { Set(values.keys) }
}
