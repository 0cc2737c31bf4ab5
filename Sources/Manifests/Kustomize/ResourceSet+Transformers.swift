/// The built-in transformers without patches, in the order kustomize runs them for one level.
extension ResourceSet {
    mutating func setNamespace(_ namespace: String) throws(KustomizeError) {
        guard !namespace.isEmpty else { return }
        for index in resources.indices {
            var resource = resources[index]
            resource.storePreviousID()
            if !resource.isClusterScoped {
                resource.setMetadata("namespace", .string(namespace))
            }
            if resource.kind == "Namespace" && resource.apiVersion == "v1" { resource.rename(namespace) }
            // Only subjects named `default` take the namespace here; a subject naming a ServiceAccount of the build
            // follows that account through the name references at the end, as in kustomize.
            if resource.kind == "RoleBinding" || resource.kind == "ClusterRoleBinding",
                case .array(var subjects)? = resource.object["subjects"]
            {
                for i in subjects.indices {
                    guard var subject = subjects[i].object, subject["name"]?.string == "default" else { continue }
                    subject["namespace"] = .string(namespace)
                    subjects[i] = .object(subject)
                }
                resource.object["subjects"] = .array(subjects)
            }
            for spec in config.namespace where spec.applies(to: resource) {
                try resource.object.visit(spec.path[...], create: spec.create, lists: spec.listSegments) { value in
                    value = .string(namespace)
                }
            }
            resources[index] = resource
        }
        reindex()
    }

    mutating func addNamePrefixSuffix(prefix: String, suffix: String) {
        guard !prefix.isEmpty || !suffix.isEmpty else { return }
        for index in resources.indices {
            let kind = resources[index].kind
            guard kind != "CustomResourceDefinition", kind != "APIService", kind != "Namespace" else { continue }
            if !prefix.isEmpty {
                resources[index].namePrefixes.append(prefix)
                resources[index].storePreviousID()
                resources[index].rename(prefix + resources[index].name)
            }
            if !suffix.isEmpty {
                resources[index].nameSuffixes.append(suffix)
                resources[index].storePreviousID()
                resources[index].rename(resources[index].name + suffix)
            }
        }
        reindex()
    }

    mutating func addLabels(_ pairs: [String: String], specs: [FieldSpec]) throws(KustomizeError) {
        guard !pairs.isEmpty else { return }
        try addPairs(pairs, specs: specs)
    }

    mutating func addAnnotations(_ pairs: [String: String]) throws(KustomizeError) {
        guard !pairs.isEmpty else { return }
        try addPairs(pairs, specs: config.commonAnnotations)
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

    mutating func setReplicas(_ replicas: [Kustomization.Replica], file: String) throws(KustomizeError) {
        for replica in replicas {
            var found = false
            for index in resources.indices {
                let resource = resources[index]
                guard resource.name == replica.name || resource.nameHistory.contains(replica.name) else { continue }
                // Built-in workloads take `spec/replicas`; `configurations:` may name other kinds and paths.
                var specs = config.replicas.filter { $0.applies(to: resource) }
                if BuiltinFieldSpecs.replicaKinds.contains(where: { $0.kind == resource.kind }) {
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

    mutating func setImages(_ images: [Kustomization.Image]) throws(KustomizeError) {
        let imageSpecs = BuiltinFieldSpecs.images + config.images
        for image in images {
            let matcher = ImageMatcher(name: image.name)
            for index in resources.indices {
                let resource = resources[index]
                // Most resources hold no matching image: look before copying anything.
                let specs = imageSpecs.filter {
                    $0.applies(to: resource) && resource.object.anyString(at: $0.path[...], where: matcher.matches)
                }
                let walk = resource.kind != "CustomResourceDefinition" && resource.object.hasContainerImage(matching: matcher)
                guard !specs.isEmpty || walk else { continue }
                var object = resource.object
                // kustomize runs its field-spec pass and its legacy walker; both touch the standard pod-spec paths.
                for spec in specs {
                    try object.visit(spec.path[...], create: false) { value in
                        if let text = value.string, let updated = matcher.update(text, with: image) {
                            value = .string(updated)
                        }
                    }
                }
                if walk { object.updateContainerImages(matcher: matcher, image: image) }
                resources[index].object = object
            }
        }
    }
}

extension ManifestValue {
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
