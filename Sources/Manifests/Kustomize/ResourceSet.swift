/// The resources accumulated by one kustomization level, in input order, with the transformer configuration that
/// applies to them.
struct ResourceSet: Sendable {
    var resources: [Resource] = []
    var config = TransformerConfig()
    /// The `vars` of this level and those below it, each name once.
    var vars: [Kustomization.Var] = []
    private var identities: Set<String> = []

    /// Adds a resource; a second object with the same group, kind, namespace and name is an error, as in kustomize.
    mutating func append(_ resource: Resource) throws(KustomizeError) {
        let identity = resource.identity
        guard !identities.contains(identity) else {
            throw .resource(
                file: resource.origin,
                message: "may not add resource with an already registered id: \(resource.idText)")
        }
        identities.insert(identity)
        resources.append(resource)
    }

    mutating func append(contentsOf other: ResourceSet) throws(KustomizeError) {
        for resource in other.resources { try append(resource) }
        config.merge(other.config)
        try addVars(other.vars)
    }

    /// Recomputes identities after transformers renamed or moved resources.
    mutating func reindex() {
        identities = Set(resources.map(\.identity))
    }

    mutating func remove(at index: Int) {
        identities.remove(resources[index].identity)
        resources.remove(at: index)
    }
}
