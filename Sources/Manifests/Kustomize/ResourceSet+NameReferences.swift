/// Back-reference fixing once the build is complete, as kustomize's name-reference transformer does it: a field of the
/// name-reference table (plus `configurations:`) naming an object by one of its earlier names is rewritten to its final
/// name — and, where the reference is a map with a namespace (RBAC subjects, webhook services), to its final namespace.
/// Only objects some transformer moved or renamed are candidates; a reference reaches only objects it could name from
/// its own namespace. Free-form strings are never touched.
extension ResourceSet {
    mutating func fixNameReferences() throws(KustomizeError) {
        let candidates = resources.filter { !$0.previousIDs.isEmpty }
        guard !candidates.isEmpty else { return }
        let earlierKinds = candidates.map { Set($0.previousIDs.map(\.kind)) }
        let earlierNames = candidates.map { Set($0.previousIDs.map(\.name)) }
        // Each rule with the objects it could resolve to, by every earlier name, and its referrer specs by kind; rules
        // nothing answers are skipped.
        var rules: [(rule: BuiltinFieldSpecs.NameReference, targets: [String: [Resource]], specs: [String: [FieldSpec]])] = []
        for rule in config.nameReferences {
            var targets: [String: [Resource]] = [:]
            for (offset, candidate) in candidates.enumerated()
            where earlierKinds[offset].contains(rule.kind)
                && rule.targets(kind: rule.kind, group: candidate.group, version: candidate.version)
            {
                for name in earlierNames[offset] { targets[name, default: []].append(candidate) }
            }
            guard !targets.isEmpty else { continue }
            rules.append((rule, targets, Dictionary(grouping: rule.referrers, by: \.kind)))
        }
        guard !rules.isEmpty else { return }
        // A reference map's namespace is looked up among every object by the namespace it first had.
        let byOriginalNamespace = Dictionary(grouping: resources, by: \.originalEffectiveNamespace)
        for index in resources.indices {
            let referrer = resources[index]
            let kind = referrer.originalKind
            var object = referrer.object
            for (rule, targets, specsByKind) in rules {
                for spec in (specsByKind[kind] ?? []) + (specsByKind[""] ?? []) where spec.applies(to: referrer, kind: kind) {
                    let reference = NameReferenceFix(
                        referrer: referrer, rule: rule, path: spec.path, targets: targets, byOriginalNamespace: byOriginalNamespace)
                    try object.visit(spec.path[...], create: false) { (value: inout ManifestValue) throws(KustomizeError) in
                        try reference.fix(&value)
                    }
                }
            }
            resources[index].object = object
        }
    }

    /// kustomize's `SubsetThatCouldBeReferencedByResource`: a namespaced referrer sees cluster-scoped objects, those
    /// of its own namespace and, for a RoleBinding, those in the namespaces its ServiceAccount subjects name.
    static func couldBeReferenced(_ target: Resource, by referrer: Resource) -> Bool {
        if referrer.isClusterScoped || target.isClusterScoped { return true }
        if target.effectiveNamespace == referrer.effectiveNamespace { return true }
        guard referrer.kind == "RoleBinding", case .array(let subjects)? = referrer.object["subjects"] else { return false }
        return subjects.contains { subject in
            subject["kind"]?.string == "ServiceAccount" && subject["namespace"]?.string == target.namespace
        }
    }
}

/// One reference field of one referrer under one rule.
struct NameReferenceFix {
    let referrer: Resource
    let rule: BuiltinFieldSpecs.NameReference
    let path: [String]
    /// The rule's possible targets by each name they have had.
    let targets: [String: [Resource]]
    /// Every object of the build by the namespace it first had.
    let byOriginalNamespace: [String: [Resource]]

    /// The targets once called `name` that the referrer can reach.
    func candidates(named name: String) -> [Resource] {
        (targets[name] ?? []).filter { ResourceSet.couldBeReferenced($0, by: referrer) }
    }

    func fix(_ value: inout ManifestValue) throws(KustomizeError) {
        switch value {
        case .null:
            return
        case .array(var items):
            for index in items.indices {
                switch items[index] {
                case .null: continue
                case .object: try fixMapping(&items[index])
                case .array: throw failure("\(items[index]) is expected to be either a string or a map of string")
                default: try fixScalar(&items[index])
                }
            }
            value = .array(items)
        case .object:
            try fixMapping(&value)
        default:
            try fixScalar(&value)
        }
    }

    func fixScalar(_ value: inout ManifestValue) throws(KustomizeError) {
        guard let name = value.scalarText else { return }
        guard let referral = try select(from: candidates(named: name), sameIdentity: { Set($0.map(\.name)).count == 1 }) else {
            return
        }
        if referral.name != name { value = .string(referral.name) }
    }

    /// A map naming its target by `name` and perhaps `namespace`: both come from the object it resolves to.
    func fixMapping(_ value: inout ManifestValue) throws(KustomizeError) {
        guard case .object(var fields) = value else { return }
        guard let nameValue = fields["name"] else { throw failure("path config error; no 'name' field in node") }
        guard let name = nameValue.scalarText else { return }
        let reachable = candidates(named: name)
        var pool = reachable
        if let namespaceValue = fields["namespace"] {
            // kustomize groups by namespace before it looks at names: by the first namespace objects had, else the
            // current one.
            let namespace = namespaceValue.scalarText ?? ""
            let original = reachable.filter { $0.originalEffectiveNamespace == namespace }
            let anyOriginal = (byOriginalNamespace[namespace] ?? []).contains { ResourceSet.couldBeReferenced($0, by: referrer) }
            pool = anyOriginal ? original : reachable.filter { $0.effectiveNamespace == namespace }
        }
        let same: ([Resource]) -> Bool = { Set($0.map { "\($0.namespace)/\($0.name)" }).count == 1 }
        guard let referral = try select(from: pool, sameIdentity: same) else { return }
        if referral.name == name && referral.namespace.isEmpty { return }
        fields["name"] = .string(referral.name)
        if !referral.namespace.isEmpty { fields["namespace"] = .string(referral.namespace) }
        value = .object(fields)
    }

    /// kustomize's `selectReferral` over a pool already of objects once called `name` and of the rule's kind: a
    /// `roleRef` also by its own kind and group, reachable from the referrer's namespace; ties go to the one whose
    /// prefixes and suffixes match the referrer's.
    func select(from pool: [Resource], sameIdentity: ([Resource]) -> Bool) throws(KustomizeError) -> Resource? {
        var chosen = pool
        if path.count >= 2, path.suffix(2) == ["roleRef", "name"], let roleRef = referrer.object["roleRef"]?.object,
            let group = roleRef["apiGroup"].flatMap({ $0.isNull ? nil : $0.scalarText }),
            let kind = roleRef["kind"].flatMap({ $0.isNull ? nil : $0.scalarText })
        {
            chosen = chosen.filter { candidate in
                candidate.previousIDs.contains { ($0.kind == kind || kind.isEmpty) && (group.isEmpty || candidate.group == group) }
            }
        }
        if !referrer.isClusterScoped {
            chosen = chosen.filter {
                $0.isClusterScoped || $0.kind == "ServiceAccount" || $0.effectiveNamespace == referrer.effectiveNamespace
            }
        }
        if chosen.count == 1 { return chosen[0] }
        chosen = chosen.filter { Self.affixesMatch($0, referrer, allowEmpty: true) }
        if chosen.count > 1 { chosen = chosen.filter { Self.affixesMatch($0, referrer, allowEmpty: false) } }
        if chosen.count <= 1 { return chosen.first }
        if sameIdentity(chosen) { return chosen[0] }
        throw .build(
            "updating name reference in '\(path.joined(separator: "/"))' field of '\(referrer.idText)': found multiple possible "
                + "referrals: \(chosen.map(\.idText).joined(separator: ", "))")
    }

    func failure(_ message: String) -> KustomizeError {
        .build("updating name reference in '\(path.joined(separator: "/"))' field of '\(referrer.idText)': \(message)")
    }

    static func affixesMatch(_ a: Resource, _ b: Resource, allowEmpty: Bool) -> Bool {
        func matches(_ x: [String], _ y: [String]) -> Bool {
            if allowEmpty && (x.isEmpty || y.isEmpty) { return true }
            return sameEnding(x, y)
        }
        return matches(a.namePrefixes, b.namePrefixes) && matches(a.nameSuffixes, b.nameSuffixes)
    }

    /// Whether the shorter list is the end of the longer one (two empty lists match; one empty one does not).
    static func sameEnding(_ x: [String], _ y: [String]) -> Bool {
        let (shorter, longer) = x.count <= y.count ? (x, y) : (y, x)
        if shorter.isEmpty { return longer.isEmpty }
        return Array(longer.suffix(shorter.count)) == shorter
    }
}
