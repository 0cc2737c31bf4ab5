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
