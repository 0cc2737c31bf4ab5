/// One Kubernetes object in a build, with the history kustomize keeps to fix references after renames.
public struct Resource: Sendable {
    public var object: ManifestValue
    /// The file it came from (or the kustomization that generated it), for messages.
    public var origin: String
    /// Every name it has had, the original first: references written against any of them follow renames.
    public var nameHistory: [String]
    /// Set for objects from `configMapGenerator` / `secretGenerator`.
    public var generator: GeneratorInfo?

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

    /// The identity a build may hold once: group, kind, namespace and name (the version does not count).
    var identity: String { "\(group)|\(kind)|\(namespace)|\(name)" }
}
