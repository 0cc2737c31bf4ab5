import Core
import Foundation

/// `transformers:`, `generators:` and `validators:`: configurations of kustomize's built-in plugins (`apiVersion:
/// builtin`), read from inline YAML, files or kustomization directories, and run after the kustomization's own
/// generators or transformers, in order. As under `kubectl kustomize`, other plugins (executables, containers, Go
/// plugins) are refused.
extension Build {
    /// The plugin configurations an entry list names, in order.
    mutating func pluginConfigs(
        _ entries: [String], field: String, directory: String, file: String, visiting: [String]
    ) async throws(KustomizeError) -> [Resource] {
        var configs: [Resource] = []
        for (index, entry) in entries.enumerated() {
            let entryField = "\(field)[\(index)]"
            if let inline = try inlineConfigs(entry, file: file) {
                configs += inline
                continue
            }
            let path = Self.resolve(entry, in: directory)
            if Self.isDirectory(path) {
                try checkInsideRepository(path, kustomization: file, field: "\(entryField) '\(entry)'")
                configs += try await level(path, component: false, into: nil, visiting: visiting + [directory]).resources
            } else if Self.exists(path) {
                configs += try loadResources(try restrictedFile(entry, in: directory, kustomization: file, field: field))
            } else {
                throw .kustomization(file: file, message: "\(entryField) '\(entry)': no such file or directory: \(path)")
            }
        }
        return configs
    }

    /// An entry holding the configuration itself (YAML mappings), as kustomize tries first; nil for a path.
    func inlineConfigs(_ entry: String, file: String) throws(KustomizeError) -> [Resource]? {
        guard entry.contains(":"), entry.contains("\n") || entry.contains("{") else { return nil }
        guard let documents = try? kustomizer.documents(Data(entry.utf8), file: file, dialect: .yaml12), !documents.isEmpty,
            documents.allSatisfy({ $0.value.object != nil })
        else { return nil }
        var configs: [Resource] = []
        for document in documents { configs.append(try Self.resource(document.value, file: file, line: document.location.line)) }
        return configs
    }

    /// Runs one plugin phase of a level, naming the kustomization and the field in the errors that name no file.
    static func naming(_ file: String, _ field: String, _ body: () async throws(KustomizeError) -> Void) async throws(KustomizeError) {
        do {
            try await body()
        } catch .build(let message) {
            throw .kustomization(file: file, message: "\(field): \(message)")
        } catch .decode(let message) {
            throw .kustomization(file: file, message: "\(field): \(message)")
        }
    }

    /// Rejects what kustomize would not load, naming the plugin; nil for a built-in one.
    static func externalPluginError(_ config: Resource) -> KustomizeError? {
        guard config.apiVersion != "builtin" else { return nil }
        return .build("external plugins disabled; unable to load external plugin '\(config.kind)'")
    }

    static let builtinGenerators: Set<String> = [
        "ConfigMapGenerator", "SecretGenerator", "HelmChartInflationGenerator", "IAMPolicyGenerator",
    ]
    static let builtinTransformers: Set<String> = [
        "AnnotationsTransformer", "HashTransformer", "ImageTagTransformer", "LabelTransformer", "NamespaceTransformer",
        "PatchJson6902Transformer", "PatchStrategicMergeTransformer", "PatchTransformer", "PrefixSuffixTransformer",
        "PrefixTransformer", "SuffixTransformer", "ReplicaCountTransformer", "ValueAddTransformer", "ReplacementTransformer",
    ]

    /// The check every configuration passes before it runs: built in, of the right sort, and one Slipway implements.
    static func checkBuiltin(_ config: Resource, generator: Bool) throws(KustomizeError) {
        if let error = externalPluginError(config) { throw error }
        let id = "\(config.kind).builtin.[noGrp]/\(config.name).[noNs]"
        guard builtinGenerators.contains(config.kind) || builtinTransformers.contains(config.kind) else {
            throw .build("unable to load builtin \(config.kind).builtin.[noGrp]")
        }
        if generator && !builtinGenerators.contains(config.kind) { throw .build("plugin \(id) not a generator") }
        if !generator && !builtinTransformers.contains(config.kind) { throw .build("plugin \(id) not a transformer") }
        switch config.kind {
        case "HelmChartInflationGenerator": throw .build("plugin \(id): \(refusal("helmCharts"))")
        case "IAMPolicyGenerator", "HashTransformer", "ValueAddTransformer":
            throw .build("plugin \(id): the built-in \(config.kind) is not supported by slipway")
        default: return
        }
    }

    mutating func runGenerators(_ configs: [Resource], directory: String, file: String, into set: inout ResourceSet) throws(KustomizeError)
    {
        for config in configs {
            try Self.checkBuiltin(config, generator: true)
            let secret = config.kind == "SecretGenerator"
            let generator = try Self.decodePlugin(config) { (decoder) throws(KustomizeError) in
                var args = try Kustomization.generator(
                    decoder, secret: secret, field: "generators \(config.kind) '\(config.name)'", lenient: true)
                if args.name.isEmpty { args.name = config.name }
                if args.namespace.isEmpty { args.namespace = config.namespace }
                return args
            }
            try generate([(generator, secret)], global: nil, directory: directory, file: file, into: &set)
        }
    }

    mutating func runTransformers(_ configs: [Resource], directory: String, file: String, into set: inout ResourceSet)
        throws(KustomizeError)
    {
        for config in configs {
            try Self.checkBuiltin(config, generator: false)
            try runTransformer(config, directory: directory, file: file, into: &set)
        }
        set.reindex()
    }

    /// Decodes a configuration as kustomize's plugins do (unknown fields ignored), naming the plugin in errors.
    static func decodePlugin<T>(_ config: Resource, _ body: (StrictDecoder) throws(KustomizeError) -> T) throws(KustomizeError) -> T {
        do {
            return try body(StrictDecoder(config.object, path: [config.kind]))
        } catch {
            throw .build("plugin \(config.kind).builtin.[noGrp]/\(config.name).[noNs] fails configuration: \(error.description)")
        }
    }

    static func fieldSpecs(_ fields: [String: StrictDecoder]) throws(KustomizeError) -> [FieldSpec]? {
        guard let list = fields["fieldSpecs"], !list.value.isNull else { return nil }
        var specs: [FieldSpec] = []
        for item in try list.array() { specs.append(try FieldSpec(decoding: item)) }
        return specs
    }

    mutating func runTransformer(_ config: Resource, directory: String, file: String, into set: inout ResourceSet) throws(KustomizeError) {
        let common = ["apiVersion", "kind", "metadata", "fieldSpecs"]
        func fields(_ known: [String]) throws(KustomizeError) -> [String: StrictDecoder] {
            try Self.decodePlugin(config) { (decoder) throws(KustomizeError) in
                try decoder.fields(known: common + known, ignoringUnknown: true)
            }
        }
        let field = "transformers \(config.kind) '\(config.name)'"
        switch config.kind {
        case "LabelTransformer":
            let f = try fields(["labels"])
            try set.addLabels(try f["labels"]?.stringMap() ?? [:], specs: try Self.fieldSpecs(f) ?? [])
        case "AnnotationsTransformer":
            let f = try fields(["annotations"])
            try set.addAnnotations(try f["annotations"]?.stringMap() ?? [:], specs: try Self.fieldSpecs(f) ?? [])
        case "NamespaceTransformer":
            let f = try fields(["unsetOnly", "setRoleBindingSubjects"])
            let mode = try f["setRoleBindingSubjects"]?.string() ?? ""
            guard let subjects = mode.isEmpty ? .defaultOnly : ResourceSet.SubjectNamespaces(rawValue: mode) else {
                throw .build(
                    "plugin \(config.kind) '\(config.name)': invalid value \"\(mode)\" for setRoleBindingSubjects: must be one of "
                        + "\"defaultOnly\", \"none\" or \"allServiceAccounts\"")
            }
            try set.setNamespace(
                config.namespace, specs: try Self.fieldSpecs(f) ?? [], unsetOnly: try f["unsetOnly"]?.bool() ?? false, subjects: subjects)
        case "PrefixSuffixTransformer", "PrefixTransformer", "SuffixTransformer":
            let f = try fields(["prefix", "suffix"])
            guard let specs = try Self.fieldSpecs(f) else {
                throw .build("plugin \(config.kind) '\(config.name)' fails configuration: fieldSpecs is not expected to be nil")
            }
            if config.kind != "SuffixTransformer" { try set.addAffix(try f["prefix"]?.string() ?? "", prefix: true, specs: specs) }
            if config.kind != "PrefixTransformer" { try set.addAffix(try f["suffix"]?.string() ?? "", prefix: false, specs: specs) }
        case "ImageTagTransformer":
            let f = try fields(["imageTag"])
            let image =
                try f["imageTag"].map { (decoder) throws(KustomizeError) in try Kustomization.image(decoder) } ?? Kustomization.Image()
            try set.setImages([image], specs: try Self.fieldSpecs(f) ?? [])
        case "ReplicaCountTransformer":
            let f = try fields(["replica"])
            let rf = try f["replica"]?.fields(known: ["name", "count"], ignoringUnknown: true) ?? [:]
            let replica = Kustomization.Replica(name: try rf["name"]?.string() ?? "", count: try rf["count"]?.int() ?? 0)
            try set.setReplicas([replica], file: file, specs: try Self.fieldSpecs(f) ?? [])
        case "PatchTransformer":
            let f = try fields(["path", "patch", "target", "options"])
            var patch = Kustomization.Patch(field: field)
            patch.path = try f["path"]?.string() ?? ""
            patch.patch = (try f["patch"]?.string() ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            if let target = f["target"], !target.value.isNull { patch.target = try Kustomization.selector(target) }
            if let options = f["options"], let object = options.value.object {
                for (key, value) in object { patch.options[key] = try StrictDecoder(value, path: options.path + [key]).bool() }
            }
            try applyPatch(patch, to: &set, directory: directory, file: file, jsonOnly: false)
        case "PatchStrategicMergeTransformer":
            let f = try fields(["paths", "patches"])
            let paths = try f["paths"]?.strings() ?? []
            let inline = try f["patches"]?.string() ?? ""
            guard !paths.isEmpty || !inline.isEmpty else {
                throw .build("plugin \(config.kind) '\(config.name)' fails configuration: empty file path and empty patch content")
            }
            for (index, path) in paths.enumerated() {
                var patch = Kustomization.Patch(field: "\(field) paths[\(index)]")
                patch.path = path
                try applyPatch(patch, to: &set, directory: directory, file: file, jsonOnly: false)
            }
            if !inline.isEmpty {
                var patch = Kustomization.Patch(field: "\(field) patches")
                patch.patch = inline
                try applyPatch(patch, to: &set, directory: directory, file: file, jsonOnly: false)
            }
        case "PatchJson6902Transformer":
            let f = try fields(["target", "path", "jsonOp"])
            var patch = Kustomization.Patch(field: field)
            if let target = f["target"], !target.value.isNull { patch.target = try Kustomization.selector(target) }
            guard let name = patch.target?.name, !name.isEmpty else {
                throw .build("plugin \(config.kind) '\(config.name)' fails configuration: must specify the target name")
            }
            patch.path = try f["path"]?.string() ?? ""
            patch.patch = try f["jsonOp"]?.string() ?? ""
            guard patch.path.isEmpty != patch.patch.isEmpty else {
                throw .build(
                    "plugin \(config.kind) '\(config.name)' fails configuration: "
                        + (patch.path.isEmpty ? "empty file path and empty jsonOp" : "must specify a file path or jsonOp, not both"))
            }
            try applyPatch(patch, to: &set, directory: directory, file: file, jsonOnly: true)
        case "ReplacementTransformer":
            let f = try fields(["replacements"])
            for (index, item) in (try f["replacements"]?.array() ?? []).enumerated() {
                let source = try Kustomization.replacementSource(item)
                try replace(source, in: &set, directory: directory, file: file, field: "\(field) replacements[\(index)]")
            }
        default:
            throw .build("unable to load builtin \(config.kind).builtin.[noGrp]")
        }
    }
}
