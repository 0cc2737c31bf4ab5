/// One Kubernetes object in a build, with the history kustomize keeps to fix references after renames.
public struct Resource: Sendable {
    public var object: ManifestValue
    /// The file it came from (or the kustomization that generated it), for messages.
    public var origin: String
    /// Every name it has had, the original first: references written against any of them follow renames.
    public var nameHistory: [String]
    /// Set for objects from `configMapGenerator` / `secretGenerator`.
    public var generator: GeneratorInfo?
    /// The identities it had before each transformer that may move or rename it (namespace, prefix, suffix, hash, JSON
    /// patch), oldest first, as kustomize records them: name references are resolved against these.
    var previousIDs: [PreviousID] = []
    /// The name prefixes and suffixes applied to it, innermost level first; they break ties between references.
    var namePrefixes: [String] = []
    var nameSuffixes: [String] = []
    /// Its position among the documents of `origin`, when it is one of them (not a list item, not generated).
    var documentIndex: Int?
    /// The `vars` whose `objref` names this object.
    var varNames: [String] = []

    /// An earlier identity; `namespace` is effective (`default` for none, a marker for cluster-scoped kinds).
    struct PreviousID: Sendable, Hashable {
        var kind: String
        var name: String
        var namespace: String
    }

    static let clusterScopeMarker = "_non_namespaceable_"

    public struct GeneratorInfo: Sendable {
        public var appendHash: Bool
    }

    public init(object: ManifestValue, origin: String) {
        self.object = object
        self.origin = origin
        self.nameHistory = [object.value(at: ["metadata", "name"])?.string ?? ""]
    }

    public var apiVersion: String { object["apiVersion"]?.string ?? "" }
    public var kind: String { object["kind"]?.string ?? "" }
    public var group: String {
        let version = apiVersion
        guard let slash = version.firstIndex(of: "/") else { return "" }
        return String(version[..<slash])
    }
    public var version: String {
        let version = apiVersion
        guard let slash = version.firstIndex(of: "/") else { return version }
        return String(version[version.index(after: slash)...])
    }
    public var name: String { object.value(at: ["metadata", "name"])?.string ?? "" }
    public var namespace: String { object.value(at: ["metadata", "namespace"])?.string ?? "" }
    public var originalName: String { nameHistory.first ?? name }

    public var labels: [String: String] { stringMap(at: ["metadata", "labels"]) }
    public var annotations: [String: String] { stringMap(at: ["metadata", "annotations"]) }

    func stringMap(at path: [String]) -> [String: String] {
        guard let fields = object.value(at: path)?.object else { return [:] }
        var result: [String: String] = [:]
        for (key, value) in fields {
            if let text = value.string { result[key] = text }
        }
        return result
    }

    mutating func setMetadata(_ key: String, _ value: ManifestValue?) {
        var metadata = object["metadata"]?.object ?? [:]
        metadata[key] = value
        object["metadata"] = .object(metadata)
    }

    mutating func rename(_ newName: String) {
        guard newName != name else { return }
        setMetadata("name", .string(newName))
        nameHistory.append(newName)
    }

    /// Records the current identity before a transformer may change it.
    mutating func storePreviousID() {
        previousIDs.append(PreviousID(kind: kind, name: name, namespace: effectiveNamespace))
    }

    /// The namespace as kustomize compares them: `default` for none, a marker for cluster-scoped kinds.
    var effectiveNamespace: String {
        if isClusterScoped { return Self.clusterScopeMarker }
        return namespace.isEmpty ? "default" : namespace
    }

    /// The effective namespace it was first given.
    var originalEffectiveNamespace: String { previousIDs.first?.namespace ?? effectiveNamespace }

    /// The kind it was first given.
    var originalKind: String { previousIDs.first?.kind ?? kind }

    var isClusterScoped: Bool {
        BuiltinFieldSpecs.clusterScoped[kind]?.contains(apiVersion) ?? false
    }

    /// kustomize's id text: `ConfigMap.v1.[noGrp]/name.[noNs]`.
    public var idText: String { Self.idText(kind: kind, group: group, version: version, name: name, namespace: namespace) }

    static func idText(kind: String, group: String, version: String, name: String, namespace: String) -> String {
        let version = version.isEmpty ? "[noVer]" : version
        let group = group.isEmpty ? "[noGrp]" : group
        return "\(kind).\(version).\(group)/\(name).\(namespace.isEmpty ? "[noNs]" : namespace)"
    }

    /// The identity a build may hold once: group, version, kind, effective namespace and name (the same kind and name
    /// in two API versions are two objects, as in kustomize).
    var identity: String { "\(group)|\(version)|\(kind)|\(effectiveNamespace)|\(name)" }

    /// Whether this object is, or once was, the one a strategic-merge patch names (kustomize's `GetById` on the
    /// patch's own identity: group, version, kind, name and effective namespace).
    func isOrWas(_ patch: Resource) -> Bool {
        guard group == patch.group, version == patch.version else { return false }
        let wanted = PreviousID(kind: patch.kind, name: patch.name, namespace: patch.effectiveNamespace)
        return PreviousID(kind: kind, name: name, namespace: effectiveNamespace) == wanted || previousIDs.contains(wanted)
    }
}
