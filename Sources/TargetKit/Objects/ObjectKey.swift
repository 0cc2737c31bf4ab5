import Manifests

/// Which object: kind, namespace ("" for cluster-scoped kinds) and name.
public struct ObjectKey: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public var kind: ObjectKind
    public var namespace: String
    public var name: String

    public init(_ kind: ObjectKind, namespace: String = "default", name: String) {
        self.kind = kind
        self.namespace = kind.isNamespaced ? namespace : ""
        self.name = name
    }

    public static func < (a: ObjectKey, b: ObjectKey) -> Bool { (a.kind, a.namespace, a.name) < (b.kind, b.namespace, b.name) }

    /// `deployment.apps/web` (namespace left out), as kubectl names objects.
    public var description: String { "\(kind.qualifiedName)/\(name)" }
}

extension ObjectKey {
    /// The key an object names by its `apiVersion`, `kind`, namespace (or `defaultNamespace`) and name; nil for
    /// kinds the target does not know or objects without a name.
    public static func of(_ object: ManifestValue, defaultNamespace: String = "default") -> ObjectKey? {
        guard let apiVersion = object["apiVersion"]?.string, let kindName = object["kind"]?.string,
            let kind = ObjectKind.resolve(apiVersion: apiVersion, kind: kindName),
            let name = object.value(at: ["metadata", "name"])?.string, !name.isEmpty
        else { return nil }
        return ObjectKey(kind, namespace: object.value(at: ["metadata", "namespace"])?.string ?? defaultNamespace, name: name)
    }
}
