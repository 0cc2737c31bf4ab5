import Foundation

/// A `kustomization.yaml` (or `kind: Component`), decoded strictly as kustomize v5 decodes it.
public struct Kustomization: Sendable {
    public struct Selector: Sendable, Hashable {
        public var group = "", version = "", kind = "", name = "", namespace = ""
        public var labelSelector = "", annotationSelector = ""
    }

    public struct Label: Sendable {
        public var pairs: [String: String] = [:]
        public var includeSelectors = false
        public var includeTemplates = false
        public var fields: [FieldSpec] = []
    }

    public struct Image: Sendable, Hashable {
        public var name = "", newName = "", newTag = "", digest = "", tagSuffix = ""
    }

    public struct Replica: Sendable {
        public var name = ""
        public var count = 0
    }

    public struct Patch: Sendable {
        public var path = ""
        public var patch = ""
        public var target: Selector?
        public var options: [String: Bool] = [:]
        /// The position in the kustomization, for messages.
        public var field = ""
    }

    public struct GeneratorOptions: Sendable {
        public var labels: [String: String] = [:]
        public var annotations: [String: String] = [:]
        public var disableNameSuffixHash: Bool?
        public var immutable = false
    }

    public struct Generator: Sendable {
        public var name = "", namespace = "", behavior = "", type = ""
        public var literals: [String] = [], files: [String] = [], envs: [String] = []
        public var options: GeneratorOptions?
        public var field = ""
    }

    public struct Replacement: Sendable {
        public struct Options: Sendable { public var delimiter = "", index = 0, create = false }
        public struct Target: Sendable {
            public var select = Selector(), reject: [Selector] = [], fieldPaths: [String] = []
            public var options = Options()
        }
        public var source = Selector()
        public var sourceFieldPath = ""
        public var sourceOptions = Options()
        public var targets: [Target] = []
    }

    /// A `vars` entry: `$(name)` in the fields of the var-reference table becomes a field of the object `objref`
    /// names (deprecated in kustomize, still common).
    public struct Var: Sendable, Hashable {
        public var name = ""
        public var group = "", version = "", kind = "", objectName = "", namespace = ""
        public var fieldPath = "metadata.name"
    }

    public enum ReplacementSource: Sendable {
        case inline(Replacement)
        case path(String)
    }

    public var apiVersion = "", kind = ""
    public var resources: [String] = []
    public var components: [String] = []
    public var namespace = "", namePrefix = "", nameSuffix = ""
    public var commonLabels: [String: String] = [:]
    public var commonAnnotations: [String: String] = [:]
    public var labels: [Label] = []
    public var images: [Image] = []
    public var replicas: [Replica] = []
    public var patches: [Patch] = []
    public var patchesStrategicMerge: [String] = []
    public var patchesJson6902: [Patch] = []
    public var configMapGenerator: [Generator] = []
    public var secretGenerator: [Generator] = []
    public var generatorOptions: GeneratorOptions?
    public var replacements: [ReplacementSource] = []
    public var vars: [Var] = []
    /// Plugin configurations (`transformers:`, `generators:`, `validators:`): paths to files or kustomizations, or
    /// inline YAML. Only kustomize's built-in plugins run.
    public var transformers: [String] = []
    public var generators: [String] = []
    public var validators: [String] = []
    public var configurations: [String] = []
    public var crds: [String] = []
    public var sortOrder: String?
    public var legacyOrderFirst: [String]?
    public var legacyOrderLast: [String]?
    /// Deprecated fields present, for kustomize's warnings.
    public var deprecated: [String] = []
    /// Fields Slipway does not implement (helm charts, a custom OpenAPI schema): building a kustomization that uses them
    /// fails.
    public var unsupported: [String] = []
    /// Fields read but not honoured: each gets a warning naming it.
    public var ignored: [String] = []
    /// True when the file held nothing but apiVersion and kind.
    public var isEmpty = false

    /// The names kustomize accepts for a kustomization file, in its order of preference.
    public static let fileNames = ["kustomization.yaml", "kustomization.yml", "Kustomization"]

    /// The kustomization file names present in `directory` (normally one).
    static func files(in directory: String) -> [String] {
        fileNames.filter { FileManager.default.fileExists(atPath: directory + "/" + $0) }
    }

    static let fieldNames = [
        "apiVersion", "kind", "metadata", "openapi", "namePrefix", "nameSuffix", "namespace", "commonLabels", "labels",
        "commonAnnotations", "patchesStrategicMerge", "patchesJson6902", "patches", "images", "imageTags",
        "replacements", "replicas", "vars", "sortOptions", "resources", "components", "crds", "bases",
        "configMapGenerator", "secretGenerator", "helmGlobals", "helmCharts", "helmChartInflationGenerator",
        "generatorOptions", "configurations", "generators", "transformers", "validators", "buildMetadata",
    ]

    /// Decodes a kustomization read in YAML 1.1; errors are prefixed with `invalid Kustomization:` like kustomize's.
    public init(decoding value: ManifestValue) throws(KustomizeError) {
        do {
            try decode(StrictDecoder(value, path: ["Kustomization"]))
        } catch .decode(let message) {
            throw .decode("invalid Kustomization: \(message)")
        }
    }

    mutating func decode(_ root: StrictDecoder) throws(KustomizeError) {
        let f = try root.fields(known: Self.fieldNames)
        apiVersion = try f["apiVersion"]?.string() ?? ""
        kind = try f["kind"]?.string() ?? ""
        if kind.isEmpty { kind = "Kustomization" }
        if apiVersion.isEmpty {
            apiVersion = kind == "Component" ? "kustomize.config.k8s.io/v1alpha1" : "kustomize.config.k8s.io/v1beta1"
        }
        isEmpty = Set(f.keys).subtracting(["apiVersion", "kind"]).isEmpty
        resources = try f["resources"]?.strings() ?? []
        if let bases = f["bases"] {
            resources += try bases.strings()
            deprecated.append("bases")
        }
        components = try f["components"]?.strings() ?? []
        namespace = try f["namespace"]?.string() ?? ""
        namePrefix = try f["namePrefix"]?.string() ?? ""
        nameSuffix = try f["nameSuffix"]?.string() ?? ""
        if let common = f["commonLabels"] {
            commonLabels = try common.stringMap()
            deprecated.append("commonLabels")
        }
        commonAnnotations = try f["commonAnnotations"]?.stringMap() ?? [:]
        for item in try f["labels"]?.array() ?? [] {
            let lf = try item.fields(known: ["pairs", "includeSelectors", "includeTemplates", "fields"])
            var label = Label()
            label.pairs = try lf["pairs"]?.stringMap() ?? [:]
            label.includeSelectors = try lf["includeSelectors"]?.bool() ?? false
            label.includeTemplates = try lf["includeTemplates"]?.bool() ?? false
            for spec in try lf["fields"]?.array() ?? [] { label.fields.append(try FieldSpec(decoding: spec)) }
            labels.append(label)
        }
        for item in try f["images"]?.array() ?? [] { images.append(try Self.image(item)) }
        if let tags = f["imageTags"] {
            for item in try tags.array() { images.append(try Self.image(item)) }
            deprecated.append("imageTags")
        }
        for item in try f["replicas"]?.array() ?? [] {
            let rf = try item.fields(known: ["name", "count"])
            replicas.append(Replica(name: try rf["name"]?.string() ?? "", count: try rf["count"]?.int() ?? 0))
        }
        for (index, item) in (try f["patches"]?.array() ?? []).enumerated() {
            patches.append(try Self.patch(item, field: "patches[\(index)]"))
        }
        if let legacy = f["patchesStrategicMerge"] {
            patchesStrategicMerge = try legacy.strings()
            deprecated.append("patchesStrategicMerge")
        }
        if let legacy = f["patchesJson6902"] {
            for (index, item) in try legacy.array().enumerated() {
                patchesJson6902.append(try Self.patch(item, field: "patchesJson6902[\(index)]"))
            }
            deprecated.append("patchesJson6902")
        }
        for (index, item) in (try f["configMapGenerator"]?.array() ?? []).enumerated() {
            configMapGenerator.append(try Self.generator(item, secret: false, field: "configMapGenerator[\(index)]"))
        }
        for (index, item) in (try f["secretGenerator"]?.array() ?? []).enumerated() {
            secretGenerator.append(try Self.generator(item, secret: true, field: "secretGenerator[\(index)]"))
        }
        if let options = f["generatorOptions"] { generatorOptions = try Self.generatorOptions(options) }
        for item in try f["replacements"]?.array() ?? [] { replacements.append(try Self.replacementSource(item)) }
        configurations = try f["configurations"]?.strings() ?? []
        crds = try f["crds"]?.strings() ?? []
        if !crds.isEmpty { ignored.append("crds") }
        if let sort = f["sortOptions"] {
            let sf = try sort.fields(known: ["order", "legacySortOptions"])
            sortOrder = try sf["order"]?.string()
            if let legacy = sf["legacySortOptions"] {
                let lf = try legacy.fields(known: ["orderFirst", "orderLast"])
                legacyOrderFirst = try lf["orderFirst"]?.strings()
                legacyOrderLast = try lf["orderLast"]?.strings()
            }
        }
        if let entries = f["vars"] {
            for item in try entries.array() { vars.append(try Self.variable(item)) }
            if !entries.value.isNull { deprecated.append("vars") }
        }
        if let metadata = f["buildMetadata"], !(try metadata.strings()).isEmpty { ignored.append("buildMetadata") }
        transformers = try f["transformers"]?.strings() ?? []
        generators = try f["generators"]?.strings() ?? []
        validators = try f["validators"]?.strings() ?? []
        for name in [
            "helmCharts", "helmChartInflationGenerator", "helmGlobals", "openapi",
        ] where f[name].map({ !$0.value.isNull && $0.value != .array([]) }) ?? false {
            unsupported.append(name)
        }
    }

    static func variable(_ item: StrictDecoder) throws(KustomizeError) -> Var {
        let f = try item.fields(known: ["name", "objref", "fieldref"])
        var variable = Var()
        variable.name = try f["name"]?.string() ?? ""
        if let reference = f["objref"] {
            let rf = try reference.fields(known: ["apiVersion", "group", "version", "kind", "name", "namespace"])
            variable.group = try rf["group"]?.string() ?? ""
            variable.version = try rf["version"]?.string() ?? ""
            // An apiVersion, when given, decides both.
            let apiVersion = try rf["apiVersion"]?.string() ?? ""
            let parts = apiVersion.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            if parts.count == 2 {
                (variable.group, variable.version) = (parts[0], parts[1])
            } else if parts.count == 1, !apiVersion.isEmpty {
                variable.version = parts[0]
            }
            variable.kind = try rf["kind"]?.string() ?? ""
            variable.objectName = try rf["name"]?.string() ?? ""
            variable.namespace = try rf["namespace"]?.string() ?? ""
        }
        if let field = f["fieldref"] {
            let path = try field.fields(known: ["fieldPath"])["fieldPath"]?.string() ?? ""
            if !path.isEmpty { variable.fieldPath = path }
        }
        return variable
    }

    static func image(_ item: StrictDecoder) throws(KustomizeError) -> Image {
        let f = try item.fields(known: ["name", "newName", "newTag", "digest", "tagSuffix"])
        return Image(
            name: try f["name"]?.string() ?? "", newName: try f["newName"]?.string() ?? "",
            newTag: try f["newTag"]?.string() ?? "", digest: try f["digest"]?.string() ?? "",
            tagSuffix: try f["tagSuffix"]?.string() ?? "")
    }

    static func selector(_ item: StrictDecoder) throws(KustomizeError) -> Selector {
        let f = try item.fields(known: [
            "group", "version", "kind", "name", "namespace", "labelSelector", "annotationSelector",
        ])
        return Selector(
            group: try f["group"]?.string() ?? "", version: try f["version"]?.string() ?? "",
            kind: try f["kind"]?.string() ?? "", name: try f["name"]?.string() ?? "",
            namespace: try f["namespace"]?.string() ?? "", labelSelector: try f["labelSelector"]?.string() ?? "",
            annotationSelector: try f["annotationSelector"]?.string() ?? "")
    }

    static func patch(_ item: StrictDecoder, field: String) throws(KustomizeError) -> Patch {
        let f = try item.fields(known: ["path", "patch", "target", "options"])
        var patch = Patch(field: field)
        patch.path = try f["path"]?.string() ?? ""
        patch.patch = try f["patch"]?.string() ?? ""
        if let target = f["target"], !target.value.isNull { patch.target = try selector(target) }
        if let options = f["options"], let object = options.value.object {
            for (key, value) in object {
                patch.options[key] = try StrictDecoder(value, path: options.path + [key]).bool()
            }
        }
        return patch
    }

    static func generatorOptions(_ item: StrictDecoder) throws(KustomizeError) -> GeneratorOptions {
        let f = try item.fields(known: ["labels", "annotations", "disableNameSuffixHash", "immutable"])
        var options = GeneratorOptions()
        options.labels = try f["labels"]?.stringMap() ?? [:]
        options.annotations = try f["annotations"]?.stringMap() ?? [:]
        if let disable = f["disableNameSuffixHash"] { options.disableNameSuffixHash = try disable.bool() }
        options.immutable = try f["immutable"]?.bool() ?? false
        return options
    }

    /// A generator entry; `lenient` for a plugin configuration (its own apiVersion, kind and metadata; unknown fields
    /// ignored).
    static func generator(_ item: StrictDecoder, secret: Bool, field: String, lenient: Bool = false) throws(KustomizeError) -> Generator {
        var known = ["name", "namespace", "behavior", "literals", "files", "envs", "env", "options"]
        if secret { known.append("type") }
        if lenient { known += ["apiVersion", "kind", "metadata"] }
        let f = try item.fields(known: known, ignoringUnknown: lenient)
        var generator = Generator(field: field)
        generator.name = try f["name"]?.string() ?? ""
        generator.namespace = try f["namespace"]?.string() ?? ""
        generator.behavior = try f["behavior"]?.string() ?? ""
        generator.type = try f["type"]?.string() ?? ""
        generator.literals = try f["literals"]?.strings() ?? []
        generator.files = try f["files"]?.strings() ?? []
        generator.envs = try f["envs"]?.strings() ?? []
        if let env = try f["env"]?.string(), !env.isEmpty { generator.envs.append(env) }
        if let options = f["options"], !options.value.isNull { generator.options = try generatorOptions(options) }
        return generator
    }

    static func replacementOptions(_ item: StrictDecoder?) throws(KustomizeError) -> Replacement.Options {
        guard let item else { return Replacement.Options() }
        let f = try item.fields(known: ["delimiter", "index", "create"])
        return Replacement.Options(
            delimiter: try f["delimiter"]?.string() ?? "", index: try f["index"]?.int() ?? 0,
            create: try f["create"]?.bool() ?? false)
    }

    static func replacementSource(_ item: StrictDecoder) throws(KustomizeError) -> ReplacementSource {
        let f = try item.fields(known: ["path", "source", "targets"])
        if let path = try f["path"]?.string(), !path.isEmpty { return .path(path) }
        return .inline(try replacement(f))
    }

    static func replacement(_ f: [String: StrictDecoder]) throws(KustomizeError) -> Replacement {
        var replacement = Replacement()
        if let source = f["source"] {
            let sf = try source.fields(known: [
                "group", "version", "kind", "name", "namespace", "fieldPath", "options",
            ])
            replacement.source = Selector(
                group: try sf["group"]?.string() ?? "", version: try sf["version"]?.string() ?? "",
                kind: try sf["kind"]?.string() ?? "", name: try sf["name"]?.string() ?? "",
                namespace: try sf["namespace"]?.string() ?? "")
            replacement.sourceFieldPath = try sf["fieldPath"]?.string() ?? ""
            replacement.sourceOptions = try replacementOptions(sf["options"])
        }
        for target in try f["targets"]?.array() ?? [] {
            let tf = try target.fields(known: ["select", "reject", "fieldPaths", "options"])
            var entry = Replacement.Target()
            if let select = tf["select"] { entry.select = try selector(select) }
            for reject in try tf["reject"]?.array() ?? [] { entry.reject.append(try selector(reject)) }
            entry.fieldPaths = try tf["fieldPaths"]?.strings() ?? []
            entry.options = try replacementOptions(tf["options"])
            replacement.targets.append(entry)
        }
        return replacement
    }
}
