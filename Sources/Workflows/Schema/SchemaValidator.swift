import Core
import Expressions

/// Walks a YAML tree against a `WorkflowSchema` and reports every value the schema does not allow, with GitHub's
/// messages: unexpected keys and values, missing required properties, shapes that were not expected, keys defined
/// twice, and `${{ }}` expressions where none are allowed or naming contexts that are not available there.
struct SchemaValidator {
    let schema: WorkflowSchema
    private(set) var diagnostics: [Diagnostic] = []

    init(schema: WorkflowSchema) {
        self.schema = schema
    }

    mutating func validate(_ node: YAMLNode, as type: String) {
        read(node, type: type, inherited: [])
    }

    private mutating func error(_ message: String, _ node: YAMLNode) {
        diagnostics.append(Diagnostic(message, at: node.location))
    }

    /// GitHub accepts an input declared with no body (`input4:`), a plain string input.
    static let nullableTypes: Set<String> = ["workflow-dispatch-inputs", "workflow-dispatch-input"]

    private mutating func read(_ node: YAMLNode, type: String, inherited: [String]) {
        if Self.nullableTypes.contains(type), node.isNull { return }
        let context = schema.definitions[type]?.context ?? inherited
        let named = schema.leaves(of: type)
        let leaves = named.map(\.definition)
        switch node.content {
        case .scalar(let text, _):
            if let tag = node.explicitTag, !checkTag(tag, node: node, text: text) { return }
            if text.contains("${{") {
                // A value whose expression does not parse is kept as its text, which must then fit as a literal.
                if !checkExpression(node, text: text, context: context) { readLiteral(node, text: text, leaves: leaves) }
                return
            }
            readLiteral(node, text: text, leaves: leaves)
        case .sequence(let items):
            guard
                let itemType = leaves.lazy.compactMap({ leaf -> String? in
                    if case .sequence(let itemType) = leaf.kind { return itemType }
                    return nil
                }).first
            else {
                error("A sequence was not expected", node)
                return
            }
            for item in items { read(item, type: itemType, inherited: context) }
        case .mapping(let pairs):
            let mappings = leaves.filter { if case .mapping = $0.kind { true } else { false } }
            guard !mappings.isEmpty else {
                error("A mapping was not expected", node)
                return
            }
            readMapping(node, pairs: pairs, candidates: mappings, context: context)
        }
    }

    /// GitHub accepts the core-schema tags only, and their values must fit them.
    private mutating func checkTag(_ tag: String, node: YAMLNode, text: String) -> Bool {
        let prefix = "tag:yaml.org,2002:"
        let fits: Bool
        switch tag {
        case prefix + "str": return true
        case prefix + "bool": fits = { if case .bool = TemplateValue.typedPlainScalar(text) { true } else { false } }()
        case prefix + "null": fits = { if case .null = TemplateValue.typedPlainScalar(text) { true } else { false } }()
        case prefix + "int": fits = Int(text) != nil || text.hasPrefix("0x") || text.hasPrefix("0o")
        case prefix + "float": fits = { if case .number = TemplateValue.typedPlainScalar(text) { true } else { false } }()
        default:
            error("Unexpected tag '\(tag)'", node)
            return false
        }
        // A number, boolean or null is written plain: quoting says "string", which contradicts the tag (YAML 1.2 core).
        if case .scalar(_, let style) = node.content, style != .plain {
            let names: [YAMLNode.ScalarStyle: String] = [
                .singleQuoted: "SingleQuoted", .doubleQuoted: "DoubleQuoted", .literal: "Literal", .folded: "Folded",
            ]
            error(
                "The scalar style '\(names[style] ?? "\(style)")' on line \(node.location.line) and column \(node.location.column) is not "
                    + "valid with the tag '\(tag)'", node)
            return false
        }
        if !fits {
            error(
                "The value '\(text)' on line \(node.location.line) and column \(node.location.column) is invalid for the type '\(tag)'",
                node)
        }
        return fits
    }

    static let previewKeys: Set<String> = ["wait", "wait-all", "cancel"]

    /// GitHub's limit on the length of one `${{ }}` expression.
    static let maximumExpressionLength = 21_000

    /// Answers false only when the expression itself does not parse (the other refusals stand alone).
    @discardableResult
    private mutating func checkExpression(_ node: YAMLNode, text: String, context: [String]) -> Bool {
        guard !context.isEmpty else {
            error("A template expression is not allowed in this context", node)
            return true
        }
        // GitHub measures the whole value holding the expression, not the expression alone.
        if text.count > Self.maximumExpressionLength {
            error("Exceeded max expression length \(Self.maximumExpressionLength)", node)
            return true
        }
        let (names, functions) = WorkflowSchema.contextParts(context)
        do {
            _ = try TemplateString(text, namedValues: names, hostFunctions: functions)
        } catch {
            self.error(error.description, node)
            return error.kind == .evaluation
        }
        return true
    }

    /// A scalar typed the way GitHub's reader types it (YAML 1.2 core schema for plain scalars), then matched;
    /// a non-string literal that matches no definition is retried as its string form, as GitHub does.
    private mutating func readLiteral(_ node: YAMLNode, text: String, leaves: [WorkflowSchema.Definition]) {
        let typed: ExpressionValue
        switch node.explicitTag {
        case nil: typed = node.isPlainScalar ? TemplateValue.typedPlainScalar(text) : .string(text)
        case "tag:yaml.org,2002:str": typed = .string(text)
        default: typed = TemplateValue.typedPlainScalar(text)
        }
        let asString: String
        switch typed {
        case .null:
            if leaves.contains(where: { $0.kind == .null }) { return }
            asString = ""
        case .bool(let value):
            if leaves.contains(where: { $0.kind == .boolean }) { return }
            asString = value ? "true" : "false"
        case .number:
            if leaves.contains(where: { $0.kind == .number }) { return }
            asString = text
        default:
            asString = text
        }
        for leaf in leaves {
            switch leaf.kind {
            case .string(let constant, let requireNonEmpty):
                if let constant {
                    if asString == constant { return }
                } else if !requireNonEmpty || !asString.isEmpty {
                    return
                }
            case .allowedValues(let values):
                if values.contains(asString) { return }
            default:
                continue
            }
        }
        error("Unexpected value '\(asString)'", node)
    }

    private mutating func readMapping(
        _ node: YAMLNode, pairs: [(key: YAMLNode, value: YAMLNode)], candidates initial: [WorkflowSchema.Definition], context: [String]
    ) {
        var candidates = initial
        var loose: (key: String, value: String)?
        for candidate in initial {
            if case .mapping(_, _, let key?, let value?) = candidate.kind {
                loose = (key, value)
                break
            }
        }
        var seen: Set<String> = []
        var hasExpressionKey = false
        for pair in pairs {
            guard let key = pair.key.scalar else {
                error("A mapping key must be a string", pair.key)
                continue
            }
            if key.contains("${{") {
                hasExpressionKey = true
                if context.isEmpty {
                    error("A template expression is not allowed in this context", pair.key)
                } else {
                    if !TemplateValue.isInsertDirective(key) { checkExpression(pair.key, text: key, context: context) }
                    read(pair.value, type: "any", inherited: context)
                }
                continue
            }
            if !seen.insert(CaseFolding.upper(key)).inserted {
                error("'\(key)' is already defined", pair.key)
                continue
            }
            let matching = candidates.filter { candidate in
                if case .mapping(let properties, _, _, _) = candidate.kind { return properties[key] != nil }
                return false
            }
            if let first = matching.first, case .mapping(let properties, _, _, _) = first.kind, let property = properties[key] {
                candidates = matching
                read(pair.value, type: property.type, inherited: context)
                continue
            }
            if let loose {
                readLiteral(pair.key, text: key, leaves: schema.leaves(of: loose.key).map(\.definition))
                read(pair.value, type: loose.value, inherited: context)
                continue
            }
            // A null key (`null:`, `~:`) reads as the empty string, as GitHub prints it.
            error("Unexpected value '\(pair.key.isPlainScalar && ["~", "null", "Null", "NULL"].contains(key) ? "" : key)'", pair.key)
        }
        if candidates.count > 1, loose == nil {
            var hits: [String: Int] = [:]
            var order: [String] = []
            for candidate in candidates {
                guard case .mapping(_, let keys, _, _) = candidate.kind else { continue }
                for key in keys {
                    if hits[key] == nil { order.append(key) }
                    hits[key, default: 0] += 1
                }
            }
            // Background-step keys are left out of the hint, as GitHub does while they are in preview.
            let distinguishing = order.filter { hits[$0] == 1 && !Self.previewKeys.contains($0) }.sorted()
            error(
                "There's not enough info to determine what you meant. Add one of these properties: "
                    + "\(distinguishing.joined(separator: ", "))",
                node)
            return
        }
        guard !hasExpressionKey, let only = candidates.first, case .mapping(let properties, let order, _, _) = only.kind else { return }
        for key in order where properties[key]?.isRequired == true && !pairs.contains(where: { $0.key.scalar == key }) {
            error("Required property is missing: \(key)", node)
        }
    }
}
