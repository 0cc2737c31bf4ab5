/// The built-in transformers without patches, in the order kustomize runs them for one level.
extension ResourceSet {
    /// Which role-binding subjects the namespace transformer moves (its `setRoleBindingSubjects`).
    enum SubjectNamespaces: String, Sendable {
        case defaultOnly, allServiceAccounts, none
    }

    /// `namespace:` — or a NamespaceTransformer, whose `fieldSpecs` replace the built-in ones (a Namespace object is
    /// renamed only when they name `metadata/name`).
    mutating func setNamespace(
        _ namespace: String, specs: [FieldSpec]? = nil, unsetOnly: Bool = false, subjects: SubjectNamespaces = .defaultOnly
    ) throws(KustomizeError) {
        guard !namespace.isEmpty else { return }
        let specs = (specs ?? [FieldSpec("metadata/name", kind: "Namespace", create: true)] + config.namespace).filter {
            $0.path != ["metadata", "namespace"]
                && !(($0.kind == "RoleBinding" || $0.kind == "ClusterRoleBinding") && $0.path == ["subjects", "namespace"])
        }
        func set(_ value: inout ManifestValue) {
            if unsetOnly, let current = value.scalarText, !current.isEmpty { return }
            value = .string(namespace)
        }
        for index in resources.indices {
            var resource = resources[index]
            resource.storePreviousID()
            if !resource.isClusterScoped {
                var current = resource.object.value(at: ["metadata", "namespace"]) ?? .null
                set(&current)
                resource.setMetadata("namespace", current)
            }
            // Only subjects named `default` (or, when asked, every ServiceAccount) take the namespace here; a subject
            // naming a ServiceAccount of the build follows that account through the name references at the end.
            if subjects != .none, resource.kind == "RoleBinding" || resource.kind == "ClusterRoleBinding",
                case .array(var list)? = resource.object["subjects"]
            {
                for i in list.indices {
                    guard var subject = list[i].object else { continue }
                    let chosen =
                        subjects == .defaultOnly ? subject["name"]?.string == "default" : subject["kind"]?.string == "ServiceAccount"
                    guard chosen else { continue }
                    var current = subject["namespace"] ?? .null
                    set(&current)
                    subject["namespace"] = current
                    list[i] = .object(subject)
                }
                resource.object["subjects"] = .array(list)
            }
            for spec in specs where spec.applies(to: resource) {
                // A Namespace's name is its namespace only in the core API's Namespace.
                if spec.path == ["metadata", "name"] {
                    guard resource.apiVersion == "v1", !unsetOnly || resource.name.isEmpty else { continue }
                    resource.rename(namespace)
                    continue
                }
                try resource.object.visit(spec.path[...], create: spec.create, lists: spec.listSegments) { value in set(&value) }
            }
            resources[index] = resource
        }
        reindex()
    }

    mutating func addNamePrefixSuffix(prefix: String, suffix: String) throws(KustomizeError) {
        try addAffix(prefix, prefix: true, specs: [FieldSpec("metadata/name")])
        try addAffix(suffix, prefix: false, specs: [FieldSpec("metadata/name")])
    }

    /// A prefix or suffix on the fields `specs` name; on `metadata/name` it renames (CRDs, APIServices and Namespaces
    /// keep their names) and is remembered for name references.
    mutating func addAffix(_ affix: String, prefix: Bool, specs: [FieldSpec]) throws(KustomizeError) {
        guard !affix.isEmpty else { return }
        for index in resources.indices {
            let resource = resources[index]
            if resource.originalKind == "CustomResourceDefinition" || resource.originalKind == "Namespace"
                || (resource.originalKind == "APIService" && resource.group == "apiregistration.k8s.io")
            {
                continue
            }
            for spec in specs where spec.applies(to: resources[index], kind: resource.originalKind) {
                if spec.path == ["metadata", "name"] {
                    if prefix { resources[index].namePrefixes.append(affix) } else { resources[index].nameSuffixes.append(affix) }
                    resources[index].storePreviousID()
                    let name = resources[index].name
                    resources[index].rename(prefix ? affix + name : name + affix)
                    continue
                }
                try resources[index].object.visit(spec.path[...], create: spec.create, lists: spec.listSegments) { value in
                    let text = value.scalarText ?? ""
                    value = .string(prefix ? affix + text : text + affix)
                }
            }
        }
        reindex()
    }

    mutating func addLabels(_ pairs: [String: String], specs: [FieldSpec]) throws(KustomizeError) {
        guard !pairs.isEmpty else { return }
        try addPairs(pairs, specs: specs)
    }

    mutating func addAnnotations(_ pairs: [String: String], specs: [FieldSpec]? = nil) throws(KustomizeError) {
        guard !pairs.isEmpty else { return }
        try addPairs(pairs, specs: specs ?? config.commonAnnotations)
    }

    private mutating func addPairs(_ pairs: [String: String], specs: [FieldSpec]) throws(KustomizeError) {
        for index in resources.indices {
            var object = resources[index].object
            for spec in specs where spec.applies(to: resources[index]) {
                try object.visit(spec.path[...], create: spec.create, lists: spec.listSegments) { value in
                    var fields = value.object ?? [:]
                    for (key, text) in pairs { fields[key] = .string(text) }
                    value = .object(fields)
                }
            }
            resources[index].object = object
        }
    }

    /// `replicas:` — or a ReplicaCountTransformer, whose `fieldSpecs` replace the built-in ones.
    mutating func setReplicas(_ replicas: [Kustomization.Replica], file: String, specs given: [FieldSpec]? = nil) throws(KustomizeError) {
        for replica in replicas {
            var found = false
            for index in resources.indices {
                let resource = resources[index]
                guard resource.name == replica.name || resource.nameHistory.contains(replica.name) else { continue }
                // Built-in workloads take `spec/replicas`; `configurations:` may name other kinds and paths.
                var specs = (given ?? config.replicas).filter { $0.applies(to: resource) }
                if given == nil, BuiltinFieldSpecs.replicaKinds.contains(where: { $0.kind == resource.kind }) {
                    specs.insert(FieldSpec("spec/replicas", create: true), at: 0)
                }
                guard !specs.isEmpty else { continue }
                found = true
                for spec in specs {
                    try resources[index].object.visit(spec.path[...], create: spec.create, lists: spec.listSegments) { value in
                        value = .integer(String(replica.count))
                    }
                }
            }
            if !found {
                throw .kustomization(
                    file: file,
                    message:
                        "replicas: resource with name \(replica.name) does not match a config with the following GVK "
                        + "[Deployment.[noVer].[noGrp] StatefulSet.[noVer].[noGrp] ReplicaSet.[noVer].[noGrp] "
                        + "ReplicationController.[noVer].[noGrp]]"
                )
            }
        }
    }

    /// `images:` — or an ImageTagTransformer, whose `fieldSpecs` replace the built-in ones (the walk over every
    /// `containers` list runs either way, as kustomize's legacy filter does).
    mutating func setImages(_ images: [Kustomization.Image], specs given: [FieldSpec]? = nil) throws(KustomizeError) {
        guard !images.isEmpty else { return }
        let imageSpecs = given ?? (BuiltinFieldSpecs.images + config.images)
        let matchers = images.map { ImageMatcher(name: $0.name) }
        // Resource by resource (each is independent), the entries in order: a resource's image strings are gathered
        // once, so the many entries that match none of them cost a string comparison instead of a walk of the object.
        for index in resources.indices {
            let applicable = imageSpecs.filter { $0.applies(to: resources[index]) }
            let walksContainers = resources[index].kind != "CustomResourceDefinition"
            var object = resources[index].object
            var strings = Self.imageStrings(in: object, specs: applicable, containers: walksContainers)
            var changed = false
            for (image, matcher) in zip(images, matchers) where strings.contains(where: matcher.matches) {
                let specs = applicable.filter { object.anyString(at: $0.path[...], where: matcher.matches) }
                let walk = walksContainers && object.hasContainerImage(matching: matcher)
                guard !specs.isEmpty || walk else { continue }
                // kustomize runs its field-spec pass and its legacy walker; both touch the standard pod-spec paths.
                for spec in specs {
                    try object.visit(spec.path[...], create: false) { value in
                        if let text = value.string, let updated = matcher.update(text, with: image) {
                            value = .string(updated)
                        }
                    }
                }
                if walk { object.updateContainerImages(matcher: matcher, image: image) }
                changed = true
                strings = Self.imageStrings(in: object, specs: applicable, containers: walksContainers)
            }
            if changed { resources[index].object = object }
        }
    }

    /// Every string an image entry could rewrite: at the image field specs, and every container's image.
    static func imageStrings(in object: ManifestValue, specs: [FieldSpec], containers: Bool) -> [String] {
        var strings: [String] = []
        for spec in specs { object.collectStrings(at: spec.path[...], into: &strings) }
        if containers { object.collectContainerImages(into: &strings) }
        return strings
    }
}

extension ManifestValue {
    /// The strings at `path` (through lists).
    func collectStrings(at path: ArraySlice<String>, into strings: inout [String]) {
        switch self {
        case .string(let text): if path.isEmpty { strings.append(text) }
        case .array(let items): for item in items { item.collectStrings(at: path, into: &strings) }
        case .object(let fields):
            guard let key = path.first, let child = fields[key] else { return }
            child.collectStrings(at: path.dropFirst(), into: &strings)
        default: return
        }
    }

    /// The images of every `containers` / `initContainers` list at any depth.
    func collectContainerImages(into strings: inout [String]) {
        switch self {
        case .object(let fields):
            for (key, child) in fields {
                if key == "containers" || key == "initContainers", case .array(let items) = child {
                    for item in items { if let image = item.object?["image"]?.string { strings.append(image) } }
                }
                child.collectContainerImages(into: &strings)
            }
        case .array(let items):
            for item in items { item.collectContainerImages(into: &strings) }
        default:
            return
        }
    }

    /// Whether a string at `path` (through lists) satisfies `predicate`, without copying anything.
    func anyString(at path: ArraySlice<String>, where predicate: (String) -> Bool) -> Bool {
        switch self {
        case .string(let text): return path.isEmpty && predicate(text)
        case .array(let items): return items.contains { $0.anyString(at: path, where: predicate) }
        case .object(let fields):
            guard let key = path.first, let child = fields[key] else { return false }
            return child.anyString(at: path.dropFirst(), where: predicate)
        default: return false
        }
    }

    /// Whether any `containers` / `initContainers` list at any depth has an image the matcher accepts.
    func hasContainerImage(matching matcher: ImageMatcher) -> Bool {
        switch self {
        case .object(let fields):
            for (key, child) in fields {
                if key == "containers" || key == "initContainers", case .array(let items) = child,
                    items.contains(where: { $0.object?["image"]?.string.map(matcher.matches) ?? false })
                {
                    return true
                }
                if child.hasContainerImage(matching: matcher) { return true }
            }
            return false
        case .array(let items):
            return items.contains { $0.hasContainerImage(matching: matcher) }
        default:
            return false
        }
    }

    /// kustomize's legacy image walker: every `containers` / `initContainers` list at any depth.
    mutating func updateContainerImages(matcher: ImageMatcher, image: Kustomization.Image) {
        switch self {
        case .object(var fields):
            for key in Array(fields.keys) {
                guard var child = fields[key] else { continue }
                fields[key] = nil
                if key == "containers" || key == "initContainers", case .array(var items) = child {
                    for i in items.indices {
                        guard case .object(var container) = items[i], let text = container["image"]?.string,
                            let updated = matcher.update(text, with: image)
                        else { continue }
                        container["image"] = .string(updated)
                        items[i] = .object(container)
                    }
                    child = .array(items)
                }
                child.updateContainerImages(matcher: matcher, image: image)
                fields[key] = child
            }
            self = .object(fields)
        case .array(var items):
            for i in items.indices { items[i].updateContainerImages(matcher: matcher, image: image) }
            self = .array(items)
        default:
            return
        }
    }
}
