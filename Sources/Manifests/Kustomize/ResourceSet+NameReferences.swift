/// Back-reference fixing after prefixes, suffixes and hashes renamed objects: a field that names an object in the
/// build by any of its earlier names is rewritten to its final name. Only the fields of the name-reference table (plus
/// `configurations:`) are touched; free-form strings are not.
extension ResourceSet {
    mutating func fixNameReferences() throws(KustomizeError) {
        let renamed = resources.filter { $0.nameHistory.count > 1 || $0.nameHistory.first != $0.name }
        guard !renamed.isEmpty else { return }
        var byKind: [String: [Resource]] = [:]
        for resource in renamed { byKind[resource.kind, default: []].append(resource) }
        for rule in config.nameReferences {
            guard let candidates = byKind[rule.kind] else { continue }
            let matching = candidates.filter { rule.group.isEmpty || $0.group == rule.group }
            guard !matching.isEmpty else { continue }
            for index in resources.indices {
                let referrer = resources[index]
                var object = referrer.object
                for spec in rule.referrers where spec.applies(to: referrer) {
                    try object.visit(spec.path[...], create: false) { (value: inout ManifestValue) throws(KustomizeError) in
                        value = try Self.rewrite(value, referrer: referrer, kind: rule.kind, candidates: matching)
                    }
                }
                resources[index].object = object
            }
        }
    }

    static func rewrite(
        _ value: ManifestValue, referrer: Resource, kind: String, candidates: [Resource]
    ) throws(KustomizeError) -> ManifestValue {
        switch value {
        case .string(let name):
            return .string(try newName(for: name, namespace: referrer.namespace, referrer: referrer, candidates: candidates))
        case .array(let items):
            var result: [ManifestValue] = []
            for item in items {
                result.append(try rewrite(item, referrer: referrer, kind: kind, candidates: candidates))
            }
            return .array(result)
        case .object(var fields):
            // Typed references (`roleRef`, `scaleTargetRef`, subjects, webhook services) name their kind or namespace.
            if let referredKind = fields["kind"]?.string, referredKind != kind { return value }
            guard let name = fields["name"]?.string else { return value }
            let namespace = fields["namespace"]?.string ?? referrer.namespace
            let updated = try newName(for: name, namespace: namespace, referrer: referrer, candidates: candidates)
            fields["name"] = .string(updated)
            return .object(fields)
        default:
            return value
        }
    }

    static func newName(
        for name: String, namespace: String, referrer: Resource, candidates: [Resource]
    ) throws(KustomizeError) -> String {
        let named = candidates.filter { $0.nameHistory.contains(name) }
        guard !named.isEmpty else { return name }
        let scoped = named.filter { $0.isClusterScoped || $0.namespace == namespace || referrer.isClusterScoped }
        let chosen = scoped.isEmpty ? named : scoped
        let names = Set(chosen.map(\.name))
        guard names.count == 1, let only = names.first else {
            throw .build(
                "found multiple possible referrals for \(name) from \(referrer.idText): "
                    + chosen.map(\.idText).sorted().joined(separator: ", "))
        }
        return only
    }
}
