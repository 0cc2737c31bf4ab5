import Core
import Foundation

/// The per-level transformers in kustomize's fixed order, and the top-level finish.
extension Build {
    mutating func transform(
        _ set: inout ResourceSet, _ k: Kustomization, directory: String, file: String
    ) throws(KustomizeError) {
        for (index, entry) in k.patchesStrategicMerge.enumerated() {
            let inline = entry.contains("\n") || (!Self.exists(Self.resolve(entry, in: directory)) && entry.contains(":"))
            var patch = Kustomization.Patch(field: "patchesStrategicMerge[\(index)]")
            if inline { patch.patch = entry } else { patch.path = entry }
            try applyPatch(patch, to: &set, directory: directory, file: file, jsonOnly: false)
        }
        for patch in k.patches {
            try applyPatch(patch, to: &set, directory: directory, file: file, jsonOnly: false)
        }
        try set.setNamespace(k.namespace)
        try set.addNamePrefixSuffix(prefix: k.namePrefix, suffix: k.nameSuffix)
        for label in k.labels {
            var specs: [FieldSpec] = [FieldSpec("metadata/labels", create: true)]
            if label.includeSelectors {
                specs = set.config.commonLabels
            } else if label.includeTemplates {
                specs += set.config.templateLabels
            }
            try set.addLabels(label.pairs, specs: specs + label.fields)
        }
        try set.addLabels(k.commonLabels, specs: set.config.commonLabels)
        try set.addAnnotations(k.commonAnnotations)
        for patch in k.patchesJson6902 {
            try applyPatch(patch, to: &set, directory: directory, file: file, jsonOnly: true)
        }
        try set.setReplicas(k.replicas, file: file)
        try set.setImages(k.images)
        for (index, source) in k.replacements.enumerated() {
            try replace(source, in: &set, directory: directory, file: file, field: "replacements[\(index)]")
        }
        set.reindex()
    }

    /// One `replacements` entry: inline, or a file of one or more.
    mutating func replace(
        _ source: Kustomization.ReplacementSource, in set: inout ResourceSet, directory: String, file: String, field: String
    ) throws(KustomizeError) {
        switch source {
        case .inline(let replacement):
            try set.replace(replacement, file: file, field: field)
        case .path(let entry):
            let path = try restrictedFile(entry, in: directory, kustomization: file, field: field)
            for document in try kustomizer.documents(try read(path), file: path, dialect: .yaml11) {
                let items = document.value.array ?? [document.value]
                for item in items {
                    do {
                        let fields = try StrictDecoder(item, path: ["Replacement"]).fields(known: ["source", "targets"])
                        try set.replace(try Kustomization.replacement(fields), file: path, field: field)
                    } catch .decode(let message) {
                        throw .resource(file: path, message: message)
                    }
                }
            }
        }
    }

    // MARK: - Patches

    mutating func applyPatch(
        _ patch: Kustomization.Patch, to set: inout ResourceSet, directory: String, file: String, jsonOnly: Bool
    ) throws(KustomizeError) {
        let source: String
        let text: String
        if !patch.path.isEmpty {
            guard patch.patch.isEmpty else {
                throw .kustomization(file: file, message: "\(patch.field): patch and path can't be set at the same time")
            }
            source = try restrictedFile(patch.path, in: directory, kustomization: file, field: patch.field)
            let data = try read(source)
            do { text = try SourceText.decode(data, file: source, yaml: true) } catch {
                throw .resource(file: error.location.description, message: error.message)
            }
        } else if !patch.patch.isEmpty {
            source = file
            text = patch.patch
        } else {
            throw .kustomization(file: file, message: "\(patch.field): must specify one of patch and path")
        }
        let documents = try kustomizer.documents(Data(text.utf8), file: source, dialect: .yaml12)
        let isJSONPatch = documents.count == 1 && documents[0].value.array != nil
        if isJSONPatch || jsonOnly {
            // JSON patches go through YAML 1.1 → JSON in kustomize.
            let ops = try kustomizer.documents(Data(text.utf8), file: source, dialect: .yaml11).first?.value ?? .array([])
            let jsonPatch: JSONPatch
            do {
                jsonPatch = try JSONPatch(decoding: ops)
            } catch {
                throw .resource(file: source, message: "\(patch.field): unable to parse SM or JSON patch: \(error)")
            }
            guard let target = patch.target else {
                throw .kustomization(file: file, message: "\(patch.field): must specify a target for JSON patch")
            }
            let selector = try ResourceSelector(target)
            for index in set.resources.indices where selector.matches(set.resources[index]) {
                set.resources[index].storePreviousID()
                // kustomize records the previous id as annotations before patching, so the patch always finds
                // `/metadata/annotations` (an empty map left is dropped at the end).
                if set.resources[index].object.value(at: ["metadata", "annotations"])?.object == nil {
                    set.resources[index].setMetadata("annotations", .object([:]))
                }
                do {
                    set.resources[index].object = try jsonPatch.apply(to: set.resources[index].object)
                } catch {
                    throw .resource(
                        file: source,
                        message: "\(patch.field): applying JSON patch to \(set.resources[index].idText): \(error)")
                }
            }
            return
        }
        for document in documents {
            guard document.value.object != nil else {
                throw .resource(file: source, message: "\(patch.field): unable to parse SM or JSON patch")
            }
            if let target = patch.target {
                let selector = try ResourceSelector(target)
                var index = 0
                while index < set.resources.count {
                    if selector.matches(set.resources[index]) {
                        if !(try merge(document.value, into: &set, at: index, options: patch.options, source: source)) { continue }
                    }
                    index += 1
                }
            } else {
                let probe = Resource(object: document.value, origin: source)
                let candidates = set.resources.indices.filter { set.resources[$0].isOrWas(probe) }
                guard let index = candidates.first else {
                    throw .resource(
                        file: source,
                        message: "\(patch.field): no resource matches strategic merge patch \"\(probe.idText)\"")
                }
                guard candidates.count == 1 else {
                    throw .resource(
                        file: source,
                        message: "\(patch.field): multiple resources match strategic merge patch \"\(probe.idText)\"")
                }
                _ = try merge(document.value, into: &set, at: index, options: patch.options, source: source)
            }
        }
    }

    /// Merges one strategic-merge patch document; false when the patch deleted the resource.
    mutating func merge(
        _ patch: ManifestValue, into set: inout ResourceSet, at index: Int, options: [String: Bool], source: String
    ) throws(KustomizeError) -> Bool {
        let resource = set.resources[index]
        var patch = patch
        if options["allowNameChange"] != true {
            patch["metadata"] = patch["metadata"].map { metadata in
                var metadata = metadata
                metadata["name"] = .string(resource.name)
                return metadata
            }
        }
        if options["allowKindChange"] != true {
            patch["kind"] = .string(resource.kind)
            if patch["apiVersion"] != nil { patch["apiVersion"] = .string(resource.apiVersion) }
        }
        if options["allowNameChange"] == true || options["allowKindChange"] == true { set.resources[index].storePreviousID() }
        let builtin = StrategicMerge.isBuiltin(group: resource.group)
        var explicitNulls: Set<[String]> = []
        if resource.object.containsNullField, let document = resource.documentIndex {
            if self.explicitNulls[resource.origin] == nil {
                let text = inputs[resource.origin].flatMap { String(data: $0, encoding: .utf8) } ?? ""
                self.explicitNulls[resource.origin] = ManifestYAML.explicitNullPaths(text)
            }
            let documents = self.explicitNulls[resource.origin] ?? []
            if documents.indices.contains(document) { explicitNulls = documents[document] }
        }
        let result: ManifestValue?
        do {
            result = try StrategicMerge.apply(
                patch, to: resource.object, builtin: builtin, kind: resource.kind, explicitNulls: explicitNulls)
        } catch .build(let message) {
            throw .resource(file: source, message: "applying strategic merge patch to \(resource.idText): \(message)")
        }
        guard var merged = result else {
            set.remove(at: index)
            return false
        }
        // A patch never moves its object: kustomize puts the namespace back (a patch names the object by the
        // namespace it had, which may since have changed).
        if case .object(var metadata)? = merged["metadata"] {
            metadata["namespace"] = resource.namespace.isEmpty ? nil : .string(resource.namespace)
            merged["metadata"] = .object(metadata)
        }
        set.resources[index].object = merged
        let newName = set.resources[index].name
        if newName != resource.name { set.resources[index].nameHistory.append(newName) }
        return true
    }

    // MARK: - Finish

    mutating func finish(_ set: inout ResourceSet, top: Kustomization?) throws(KustomizeError) -> Kustomizer.Output {
        for index in set.resources.indices {
            guard let generator = set.resources[index].generator, generator.appendHash else { continue }
            let hash = ConfigMapGenerator.hash(set.resources[index])
            set.resources[index].storePreviousID()
            set.resources[index].rename(set.resources[index].name + "-" + hash)
        }
        do {
            try set.fixNameReferences()
            warnings += try set.resolveVars()
        } catch .build(let message) {
            throw .kustomization(file: topFile, message: message)
        }
        var resources = set.resources.filter {
            $0.annotations["config.kubernetes.io/local-config"] != "true"
        }
        for index in resources.indices {
            // kustomize strips its own annotations from every object and removes the map when that leaves it empty
            // (or it was null).
            let annotations = resources[index].object.value(at: ["metadata", "annotations"])
            if annotations == .object([:]) || annotations == .null {
                resources[index].setMetadata("annotations", nil)
            }
        }
        switch top?.sortOrder {
        case "fifo"?:
            break
        case "legacy"?:
            resources = LegacyOrder(
                first: top?.legacyOrderFirst ?? LegacyOrder.defaultFirst,
                last: top?.legacyOrderLast ?? LegacyOrder.defaultLast
            ).sorted(resources)
        default:
            resources = LegacyOrder().sorted(resources)
        }
        return Kustomizer.Output(resources: resources.map(\.object), warnings: warnings)
    }
}
