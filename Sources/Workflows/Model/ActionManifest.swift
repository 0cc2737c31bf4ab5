import Core

/// An `action.yml`: inputs, outputs and how it runs.
public struct ActionManifest: Sendable {
    public struct Input: Sendable {
        public var name: String
        public var defaultValue: YAMLNode?
        public var required: Bool
    }

    public var name: String?
    public var inputs: [Input]
    public var outputs: [(key: String, value: YAMLNode)]
    public var using: String
    public var main: String?
    public var steps: [Step]

    public static func load(text: String, path: String) throws(Diagnostics) -> ActionManifest {
        let root: YAMLNode?
        do { root = try YAMLDocument.parse(text, file: path) } catch { throw Diagnostics([error]) }
        guard let root, root.mapping != nil else {
            throw Diagnostics([Diagnostic("an action manifest must be a mapping", at: SourceLocation(file: path, line: 1, column: 1))])
        }
        var loader = WorkflowLoader(file: path, resolver: .none, resolves: false, depth: 0)
        var inputs: [Input] = []
        for pair in root["inputs"]?.mapping ?? [] {
            guard let name = pair.key.scalar else { continue }
            inputs.append(Input(name: name, defaultValue: pair.value["default"], required: pair.value["required"]?.scalar == "true"))
        }
        var outputs: [(key: String, value: YAMLNode)] = []
        for pair in root["outputs"]?.mapping ?? [] {
            guard let name = pair.key.scalar, let value = pair.value["value"] else { continue }
            outputs.append((name, value))
        }
        guard let runs = root["runs"], let using = runs["using"]?.scalar else {
            throw Diagnostics([Diagnostic("Required property is missing: runs.using", at: root.location)])
        }
        var steps: [Step] = []
        if using == "composite", let items = runs["steps"]?.sequence {
            steps = loader.steps(items)
        }
        if !loader.diagnostics.isEmpty { throw Diagnostics(loader.diagnostics) }
        return ActionManifest(
            name: root["name"]?.scalar, inputs: inputs, outputs: outputs, using: using, main: runs["main"]?.scalar, steps: steps)
    }
}
