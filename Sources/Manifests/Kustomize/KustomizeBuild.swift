import Core
import Foundation

/// One render: walks kustomization levels depth-first, records every file it reads (for the render cache) and the
/// deprecation warnings kustomize prints.
struct Build {
    let kustomizer: Kustomizer
    var inputs: [String: Data] = [:]
    var warnings: [String] = []
    var topKustomization: Kustomization?
    /// The root's kustomization file: what errors found only once the build is complete (references, vars) name.
    var topFile = ""
    /// Per resource file, the explicit nulls of each document (read again only when a strategic merge needs them).
    var explicitNulls: [String: [Set<[String]>]] = [:]
    /// The commit each remote base resolved to, so a cached render is reused only while they stay the same.
    var remoteCommits: [RemoteSpec: String] = [:]
    /// The checkout of the remote base being built, if any: nothing it names may lie outside it.
    var repositoryRoot: String?

    init(kustomizer: Kustomizer) {
        self.kustomizer = kustomizer
    }

    mutating func read(_ path: String) throws(KustomizeError) -> Data {
        if let data = inputs[path] { return data }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .resource(file: path, message: "no such file or directory")
        }
        inputs[path] = data
        return data
    }

    static func isDirectory(_ path: String) -> Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && directory.boolValue
    }

    static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    static func resolve(_ entry: String, in directory: String) -> String {
        let joined = entry.hasPrefix("/") ? entry : directory + "/" + entry
        return URL(fileURLWithPath: joined).standardizedFileURL.path
    }

    /// The path of a file a kustomization names, checked against the load restrictor.
    func restrictedFile(_ entry: String, in directory: String, kustomization file: String, field: String)
        throws(KustomizeError) -> String
    {
        let path = Self.resolve(entry, in: directory)
        if let repositoryRoot {
            let real = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
            guard real.hasPrefix(repositoryRoot + "/") else {
                throw .kustomization(
                    file: file, message: "\(field): security; file '\(path)' is outside the remote repository '\(repositoryRoot)'")
            }
        }
        if kustomizer.options.restrictFilesToRoot {
            let real = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
            let root = URL(fileURLWithPath: directory).resolvingSymlinksInPath().path
            guard real.hasPrefix(root + "/") else {
                throw .kustomization(
                    file: file, message: "\(field): security; file '\(path)' is not in or below '\(directory)'")
            }
        }
        return path
    }

    // MARK: - Levels

    func kustomizationFile(in directory: String) throws(KustomizeError) -> String {
        let found = Kustomization.files(in: directory)
        guard let first = found.first else {
            throw .build(
                "unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory '\(directory)'"
            )
        }
        guard found.count == 1 else {
            throw .build("Found multiple kustomization files under: \(directory)")
        }
        return directory + "/" + first
    }

    mutating func loadKustomization(_ file: String) throws(KustomizeError) -> Kustomization {
        let data = try read(file)
        let documents = try kustomizer.documents(data, file: file, dialect: .yaml11)
        let value = documents.first?.value ?? .object([:])
        let kustomization: Kustomization
        do {
            kustomization = try Kustomization(decoding: value)
        } catch .decode(let message) {
            throw .kustomization(file: file, message: message)
        }
        // kustomize's EnforceFields: the kind is Kustomization or Component, each with its own apiVersion.
        var problems: [String] = []
        if kustomization.kind != "Kustomization" && kustomization.kind != "Component" {
            problems.append("kind should be Kustomization or Component")
        }
        let required = kustomization.kind == "Component" ? "kustomize.config.k8s.io/v1alpha1" : "kustomize.config.k8s.io/v1beta1"
        if kustomization.apiVersion != required {
            problems.append("apiVersion for \(kustomization.kind) should be \(required)")
        }
        guard problems.isEmpty else {
            throw .kustomization(file: file, message: "Failed to read kustomization file: " + problems.joined(separator: "; "))
        }
        return kustomization
    }

    mutating func level(
        _ directory: String, component: Bool, into initial: ResourceSet?, visiting: [String]
    ) async throws(KustomizeError) -> ResourceSet {
        if visiting.contains(directory) {
            throw .build("cycle detected: candidate root '\(directory)' contains visited root '\(directory)'")
        }
        let file = try kustomizationFile(in: directory)
        let kustomization = try loadKustomization(file)
        if visiting.isEmpty { (topKustomization, topFile) = (kustomization, file) }
        // A Component built as the root renders like a Kustomization; only as another's resource is it refused.
        if kustomization.kind == "Component" && !component && !visiting.isEmpty {
            throw .kustomization(file: file, message: "expected kind != 'Component' for path '\(directory)'")
        }
        if component && kustomization.kind != "Component" {
            throw .kustomization(
                file: file, message: "expected kind 'Component' for path '\(directory)' but got '\(kustomization.kind)'")
        }
        if kustomization.isEmpty {
            throw .kustomization(file: file, message: "kustomization.yaml is empty")
        }
        if let field = kustomization.unsupported.first {
            throw .kustomization(file: file, message: Self.refusal(field))
        }
        for field in kustomization.deprecated { warnings.append(Self.deprecationWarning(field)) }
        for field in kustomization.ignored {
            let consequence =
                field == "crds"
                ? "the name references those definitions declare are not followed"
                : "the output carries none of the annotations or labels it asks for"
            warnings.append("# Warning: '\(field)' in \(file) is not supported by slipway and is ignored: \(consequence)")
        }
        let visiting = visiting + [directory]

        var set = initial ?? ResourceSet()
        for (index, entry) in kustomization.resources.enumerated() {
            let field = "resources[\(index)] '\(entry)'"
            let path = Self.resolve(entry, in: directory)
            if Self.isDirectory(path) {
                try checkInsideRepository(path, kustomization: file, field: field)
                let child = try await level(path, component: false, into: nil, visiting: visiting)
                try set.append(contentsOf: child)
            } else if Self.exists(path) {
                let checked = try restrictedFile(entry, in: directory, kustomization: file, field: "resources")
                for resource in try loadResources(checked) { try set.append(resource) }
            } else if let remote = RemoteSpec.parse(entry) {
                let child = try await remoteLevel(
                    remote, component: false, into: nil, visiting: visiting, kustomization: file, field: "resources[\(index)]")
                try set.append(contentsOf: child)
            } else {
                throw .kustomization(file: file, message: "\(field): no such file or directory: \(path)")
            }
        }
        for entry in kustomization.configurations {
            let path = try restrictedFile(entry, in: directory, kustomization: file, field: "configurations")
            let data = try read(path)
            for document in try kustomizer.documents(data, file: path, dialect: .yaml11) {
                do {
                    set.config.merge(try TransformerConfig(decoding: document.value))
                } catch .decode(let message) {
                    throw .resource(file: path, message: message)
                }
            }
        }
        try generate(kustomization, directory: directory, file: file, into: &set)
        if !kustomization.generators.isEmpty {
            try await Self.naming(file, "generators") { () async throws(KustomizeError) in
                let configs = try await pluginConfigs(
                    kustomization.generators, field: "generators", directory: directory, file: file, visiting: visiting)
                try runGenerators(configs, directory: directory, file: file, into: &set)
            }
        }
        for (index, entry) in kustomization.components.enumerated() {
            let path = Self.resolve(entry, in: directory)
            if Self.isDirectory(path) {
                try checkInsideRepository(path, kustomization: file, field: "components[\(index)] '\(entry)'")
                set = try await level(path, component: true, into: set, visiting: visiting)
            } else if !Self.exists(path), let remote = RemoteSpec.parse(entry) {
                set = try await remoteLevel(
                    remote, component: true, into: set, visiting: visiting, kustomization: file, field: "components[\(index)]")
            } else {
                throw .kustomization(
                    file: file, message: "components[\(index)] '\(entry)': no such directory: \(path)")
            }
        }
        try transform(&set, kustomization, directory: directory, file: file)
        if !kustomization.transformers.isEmpty {
            try await Self.naming(file, "transformers") { () async throws(KustomizeError) in
                let configs = try await pluginConfigs(
                    kustomization.transformers, field: "transformers", directory: directory, file: file, visiting: visiting)
                try runTransformers(configs, directory: directory, file: file, into: &set)
            }
        }
        if !kustomization.validators.isEmpty {
            try await Self.naming(file, "validators") { () async throws(KustomizeError) in
                let configs = try await pluginConfigs(
                    kustomization.validators, field: "validators", directory: directory, file: file, visiting: visiting)
                let before = set.resources.map(\.object)
                try runTransformers(configs, directory: directory, file: file, into: &set)
                guard set.resources.map(\.object) == before else {
                    throw KustomizeError.build("validator shouldn't modify the resource map")
                }
            }
        }
        try set.mergeVars(kustomization.vars, file: file)
        return set
    }

    /// Builds the kustomization a remote reference names, from its checkout. `field` names the entry; the entry
    /// itself is quoted with any password in its URL scrubbed.
    mutating func remoteLevel(
        _ parsed: Result<RemoteSpec, RemoteSpec.ParseError>, component: Bool, into initial: ResourceSet?,
        visiting: [String], kustomization file: String?, field: String
    ) async throws(KustomizeError) -> ResourceSet {
        let spec: RemoteSpec
        switch parsed {
        case .success(let parsedSpec): spec = parsedSpec
        case .failure(let error):
            throw Self.remoteError(file: file, message: "\(field): \(error.description)")
        }
        let field = "\(field) '\(spec.scrub(spec.raw))'"
        let resolution: RemoteCheckouts.Resolution
        do {
            resolution = try await kustomizer.remotes.resolve(spec)
        } catch {
            throw Self.remoteError(file: file, message: "\(field): \(error.description)")
        }
        if let warning = resolution.warning { warnings.append(warning) }
        remoteCommits[spec] = resolution.checkout.commit
        // Containment checks compare real paths, so the root must be one too.
        let root = URL(fileURLWithPath: resolution.checkout.root).resolvingSymlinksInPath().path
        let target = Self.resolve(spec.path, in: root)
        guard target == root || target.hasPrefix(root + "/") else {
            throw Self.remoteError(
                file: file, message: "\(field): '\(spec.path)' refers to a directory outside of the repository")
        }
        guard Self.isDirectory(target) else {
            let problem =
                Self.exists(target)
                ? "'\(spec.path)' is a file; a remote reference must name a directory holding a kustomization"
                : "no directory '\(spec.path)' in \(spec.scrub(spec.cloneURL)) at commit \(resolution.checkout.commit)"
            throw Self.remoteError(file: file, message: "\(field): \(problem)")
        }
        let saved = repositoryRoot
        repositoryRoot = root
        defer { repositoryRoot = saved }
        return try await level(target, component: component, into: initial, visiting: visiting)
    }

    static func remoteError(file: String?, message: String) -> KustomizeError {
        if let file { return .kustomization(file: file, message: message) }
        return .build(message)
    }

    /// Inside a remote base, directories (like files) must stay within its repository.
    func checkInsideRepository(_ path: String, kustomization file: String, field: String) throws(KustomizeError) {
        guard let repositoryRoot else { return }
        let real = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        guard real == repositoryRoot || real.hasPrefix(repositoryRoot + "/") else {
            throw .kustomization(
                file: file,
                message:
                    "\(field): security; bases in kustomizations from remote repositories must be within the repository, but '\(path)' "
                    + "is outside '\(repositoryRoot)'"
            )
        }
    }

    /// Why a field Slipway leaves alone fails the build.
    static func refusal(_ field: String) -> String {
        if field.hasPrefix("helm") {
            return "'\(field)': Slipway does not inflate Helm charts (kubectl kustomize refuses them too: \"must specify "
                + "--enable-helm\"); render the chart with `helm template` and list the output under resources"
        }
        return "'\(field)' is not supported by slipway (a custom OpenAPI schema for strategic merges)"
    }

    static func deprecationWarning(_ field: String) -> String {
        switch field {
        case "bases", "commonLabels", "imageTags", "patchesJson6902", "patchesStrategicMerge":
            let replacement = ["bases": "resources", "commonLabels": "labels", "imageTags": "images"][field] ?? "patches"
            return
                "# Warning: '\(field)' is deprecated. Please use '\(replacement)' instead. Run 'kustomize edit fix' to update your "
                + "Kustomization automatically."
        default:
            return
                "# Warning: '\(field)' is deprecated. Please use 'replacements' instead. [EXPERIMENTAL] Run 'kustomize edit fix' to "
                + "update your Kustomization automatically."
        }
    }

    mutating func loadResources(_ path: String) throws(KustomizeError) -> [Resource] {
        let data = try read(path)
        var result: [Resource] = []
        // Any `…List` kind with `items` (List, ConfigMapList, RoleList) is its items, queued after the file's other
        // documents as kustomize queues them; a list without `items` is an object like any other.
        var queue = try kustomizer.documents(data, file: path, dialect: .yaml12).enumerated().map {
            (value: $0.element.value, line: $0.element.location.line, document: Optional($0.offset))
        }[...]
        while let (value, line, document) = queue.popFirst() {
            guard let fields = value.object else {
                throw .resource(file: path, message: "line \(line): expected a mapping (a Kubernetes object)")
            }
            guard let kind = fields["kind"]?.string, kind.hasSuffix("List"), let items = fields["items"] else {
                var resource = try Self.resource(value, file: path, line: line)
                resource.documentIndex = document
                result.append(resource)
                continue
            }
            switch items {
            case .null: continue
            case .array(let elements): queue.append(contentsOf: elements.map { ($0, line, nil) })
            default:
                throw .resource(file: path, message: "line \(line): expected array in \(kind)/items, but found \(items.jsonTypeName)")
            }
        }
        return result
    }

    static func resource(_ value: ManifestValue, file: String, line: Int) throws(KustomizeError) -> Resource {
        guard let fields = value.object else {
            throw .resource(file: file, message: "line \(line): expected a mapping (a Kubernetes object)")
        }
        guard let kind = fields["kind"]?.string, !kind.isEmpty else {
            throw .resource(file: file, message: "line \(line): missing kind in object")
        }
        if let path = nonFinitePath(value) {
            throw .resource(file: file, message: "line \(line): \(path): json: unsupported value: a non-finite number")
        }
        return Resource(object: value, origin: file)
    }

    /// kustomize cannot serialise `.inf` or `.nan` (Go's JSON encoder rejects them); find them up front to name the field.
    static func nonFinitePath(_ value: ManifestValue, path: String = "") -> String? {
        switch value {
        case .float(let number) where !number.isFinite: return path.isEmpty ? "value" : path
        case .object(let fields):
            for key in fields.keys.sorted() {
                if let found = nonFinitePath(fields[key] ?? .null, path: path.isEmpty ? key : path + "." + key) {
                    return found
                }
            }
            return nil
        case .array(let items):
            for (index, item) in items.enumerated() {
                if let found = nonFinitePath(item, path: "\(path)[\(index)]") { return found }
            }
            return nil
        default: return nil
        }
    }

    // MARK: - Generators

    mutating func generate(
        _ kustomization: Kustomization, directory: String, file: String, into set: inout ResourceSet
    ) throws(KustomizeError) {
        let all = kustomization.configMapGenerator.map { ($0, false) } + kustomization.secretGenerator.map { ($0, true) }
        try generate(all, global: kustomization.generatorOptions, directory: directory, file: file, into: &set)
    }

    /// Runs ConfigMap (`secret` false) and Secret generators: each output is added, or merged into or replaces the
    /// object it names.
    mutating func generate(
        _ all: [(Kustomization.Generator, Bool)], global: Kustomization.GeneratorOptions?, directory: String, file: String,
        into set: inout ResourceSet
    ) throws(KustomizeError) {
        guard !all.isEmpty else { return }
        let generator = ConfigMapGenerator(file: file)
        for (args, secret) in all {
            var generated = try generator.generate(args, secret: secret, global: global) {
                (entry) throws(KustomizeError) in
                try read(try restrictedFile(entry, in: directory, kustomization: file, field: args.field))
            }
            // kustomize reads any other value (`add`, a typo) as unspecified, which creates.
            let behavior = ["merge", "replace"].contains(args.behavior) ? args.behavior : "create"
            if behavior == "create" {
                try set.append(generated)
                continue
            }
            guard
                let index = set.resources.firstIndex(where: {
                    $0.kind == generated.kind && ($0.nameHistory.contains(args.name) || $0.name == args.name)
                        && (args.namespace.isEmpty || $0.namespace == args.namespace)
                })
            else {
                throw .kustomization(
                    file: file,
                    message:
                        "\(args.field): id \(generated.idText) does not exist; cannot merge or replace")
            }
            var existing = set.resources[index]
            if behavior == "merge" {
                for key in ["data", "binaryData"] {
                    guard let incoming = generated.object[key]?.object else { continue }
                    var fields = existing.object[key]?.object ?? [:]
                    for (name, value) in incoming { fields[name] = value }
                    existing.object[key] = .object(fields)
                }
                for key in ["labels", "annotations"] {
                    guard let incoming = generated.object.value(at: ["metadata", key])?.object else { continue }
                    var fields = existing.object.value(at: ["metadata", key])?.object ?? [:]
                    for (name, value) in incoming { fields[name] = value }
                    existing.setMetadata(key, .object(fields))
                }
                if generated.object["immutable"] != nil { existing.object["immutable"] = generated.object["immutable"] }
            } else {
                let history = existing.nameHistory
                let name = existing.name
                // The replacement keeps the labels and annotations the original carries (a base's `labels:`), its own
                // winning where both set one, as kustomize's CopyMergeMetaDataFieldsFrom does.
                generated.object["metadata"] = existing.object["metadata"].map { metadata in
                    var metadata = metadata
                    for key in ["labels", "annotations"] {
                        var fields = existing.object.value(at: ["metadata", key])?.object ?? [:]
                        for (name, value) in generated.object.value(at: ["metadata", key])?.object ?? [:] { fields[name] = value }
                        metadata[key] = fields.isEmpty ? nil : .object(fields)
                    }
                    return metadata
                }
                existing.object = generated.object
                existing.nameHistory = history
                existing.setMetadata("name", .string(name))
            }
            existing.generator = generated.generator
            set.resources[index] = existing
        }
    }
}
