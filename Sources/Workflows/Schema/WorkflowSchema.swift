import Expressions

/// GitHub's workflow template schema: named definitions saying which values, keys and expression contexts are
/// legal at each place of a workflow. Slipway validates every workflow against it before reading the model, so
/// unknown keys, wrong shapes and misplaced expressions are reported exactly as GitHub reports them.
public struct WorkflowSchema: Sendable {
    public struct Property: Sendable, Hashable {
        public var type: String
        public var isRequired: Bool
    }

    public enum Kind: Sendable, Hashable {
        case null, boolean, number
        case string(constant: String?, requireNonEmpty: Bool)
        case allowedValues([String])
        case sequence(itemType: String)
        case mapping(properties: [String: Property], order: [String], looseKeyType: String?, looseValueType: String?)
        case oneOf([String])
    }

    public struct Definition: Sendable, Hashable {
        public var kind: Kind
        /// Named values and functions (`hashFiles(1,255)`) expressions may use here; nil inherits the parent's.
        public var context: [String]?
    }

    public let definitions: [String: Definition]
    /// `one-of` expansions, computed once: validation asks for them at every node.
    private let expansions: [String: [(name: String, definition: Definition)]]

    /// The schema GitHub uses for `.github/workflows/*.yml`, parsed once.
    public static let workflow: WorkflowSchema = WorkflowSchema(sources: definitionsSource)

    init(sources: [String]) {
        var definitions: [String: Definition] = [
            "any": Definition(kind: .oneOf(["null", "boolean", "number", "string", "sequence", "mapping"]), context: nil),
            "null": Definition(kind: .null, context: nil),
            "boolean": Definition(kind: .boolean, context: nil),
            "number": Definition(kind: .number, context: nil),
            "string": Definition(kind: .string(constant: nil, requireNonEmpty: false), context: nil),
            "sequence": Definition(kind: .sequence(itemType: "any"), context: nil),
            "mapping": Definition(kind: .mapping(properties: [:], order: [], looseKeyType: "string", looseValueType: "any"), context: nil),
        ]
        for source in sources {
            // The generated source is known-good JSON; a line that fails to parse is skipped rather than trapping.
            guard let object = try? JSON.parse(source).objectValue, let (name, body) = object.pairs.first,
                let fields = body.objectValue, let definition = Self.definition(fields)
            else { continue }
            definitions[name] = definition
        }
        self.definitions = definitions
        var expansions: [String: [(name: String, definition: Definition)]] = [:]
        for name in definitions.keys { expansions[name] = Self.expand(name, in: definitions) }
        self.expansions = expansions
    }

    private static func definition(_ fields: ExpressionObject) -> Definition? {
        let context = fields["context"]?.arrayValue?.items.compactMap(\.stringValue)
        if let oneOf = fields["one-of"]?.arrayValue {
            return Definition(kind: .oneOf(oneOf.items.compactMap(\.stringValue)), context: context)
        }
        if let values = fields["allowed-values"]?.arrayValue {
            return Definition(kind: .allowedValues(values.items.compactMap(\.stringValue)), context: context)
        }
        if let string = fields["string"]?.objectValue {
            let constant = string["constant"]?.stringValue
            return Definition(
                kind: .string(constant: constant, requireNonEmpty: string["require-non-empty"]?.boolValue == true), context: context)
        }
        if let sequence = fields["sequence"]?.objectValue {
            return Definition(kind: .sequence(itemType: sequence["item-type"]?.stringValue ?? "any"), context: context)
        }
        if let mapping = fields["mapping"]?.objectValue {
            var properties: [String: Property] = [:]
            var order: [String] = []
            for (key, value) in mapping["properties"]?.objectValue?.pairs ?? [] {
                if let type = value.stringValue {
                    properties[key] = Property(type: type, isRequired: false)
                } else if let object = value.objectValue {
                    properties[key] = Property(
                        type: object["type"]?.stringValue ?? "any", isRequired: object["required"]?.boolValue == true)
                } else {
                    continue
                }
                order.append(key)
            }
            return Definition(
                kind: .mapping(
                    properties: properties, order: order, looseKeyType: mapping["loose-key-type"]?.stringValue,
                    looseValueType: mapping["loose-value-type"]?.stringValue),
                context: context)
        }
        for scalar in ["null", "boolean", "number"] where fields[scalar] != nil {
            switch scalar {
            case "null": return Definition(kind: .null, context: context)
            case "boolean": return Definition(kind: .boolean, context: context)
            default: return Definition(kind: .number, context: context)
            }
        }
        return nil
    }

    /// The non-`one-of` definitions a name stands for, with their names, in declaration order.
    func leaves(of name: String) -> [(name: String, definition: Definition)] {
        expansions[name] ?? []
    }

    private static func expand(_ name: String, in definitions: [String: Definition]) -> [(name: String, definition: Definition)] {
        var result: [(name: String, definition: Definition)] = []
        var visited: Set<String> = []
        func expand(_ name: String) {
            guard visited.insert(name).inserted, let definition = definitions[name] else { return }
            if case .oneOf(let names) = definition.kind {
                for inner in names { expand(inner) }
            } else {
                result.append((name, definition))
            }
        }
        expand(name)
        return result
    }

    /// The named values and functions expressions may use in `definition` (e.g. `job-if`, `step-if`).
    public func context(of definition: String) -> (names: Set<String>, functions: [FunctionSignature]) {
        Self.contextParts(definitions[definition]?.context ?? [])
    }

    /// Splits a schema context list into named values and host functions (`success(0,MAX)`).
    static func contextParts(_ context: [String]) -> (names: Set<String>, functions: [FunctionSignature]) {
        var names: Set<String> = []
        var functions: [FunctionSignature] = []
        for entry in context {
            guard let open = entry.firstIndex(of: "("), entry.hasSuffix(")") else {
                names.insert(entry)
                continue
            }
            let name = String(entry[..<open])
            let bounds = entry[entry.index(after: open)..<entry.index(before: entry.endIndex)].split(separator: ",")
            let minimum = bounds.first.flatMap { Int($0) } ?? 0
            let maximum = bounds.count > 1 ? (bounds[1] == "MAX" ? Int.max : Int(bounds[1]) ?? Int.max) : minimum
            functions.append(FunctionSignature(name: name, minArguments: minimum, maxArguments: maximum))
        }
        return (names, functions)
    }
}
