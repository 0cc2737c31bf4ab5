import Core

extension YAMLNode {
    /// `<<` merge keys applied (GitLab's YAML accepts them): the merged mappings' keys, then this mapping's own keys
    /// over them; the first of several merged mappings wins, as YAML's merge key type specifies.
    func resolvingMergeKeys() -> YAMLNode {
        switch content {
        case .scalar: return self
        case .sequence(let items):
            return YAMLNode(.sequence(items.map { $0.resolvingMergeKeys() }), at: location, explicitTag: explicitTag)
        case .mapping(let pairs):
            var merged: [(key: YAMLNode, value: YAMLNode)] = []
            var own: [(key: YAMLNode, value: YAMLNode)] = []
            for pair in pairs {
                if pair.key.scalar == "<<", pair.key.isPlainScalar {
                    let sources = pair.value.sequence ?? [pair.value]
                    for source in sources {
                        for inner in source.resolvingMergeKeys().mapping ?? []
                        where !merged.contains(where: { $0.key.scalar == inner.key.scalar }) {
                            merged.append(inner)
                        }
                    }
                } else {
                    own.append((pair.key, pair.value.resolvingMergeKeys()))
                }
            }
            for pair in own {
                merged.removeAll { $0.key.scalar == pair.key.scalar }
            }
            return YAMLNode(.mapping(merged + own), at: location, explicitTag: explicitTag)
        }
    }

    /// GitLab's deep merge (`extends`, `include`): mappings merge key by key, anything else is replaced by `other`.
    func deepMerged(with other: YAMLNode) -> YAMLNode {
        guard let base = mapping, let over = other.mapping else { return other }
        var pairs = base
        for pair in over {
            if let index = pairs.firstIndex(where: { $0.key.scalar == pair.key.scalar }) {
                pairs[index] = (pairs[index].key, pairs[index].value.deepMerged(with: pair.value))
            } else {
                pairs.append(pair)
            }
        }
        return YAMLNode(.mapping(pairs), at: other.location, explicitTag: other.explicitTag)
    }

    /// This mapping without `key`.
    func removing(_ key: String) -> YAMLNode {
        guard let pairs = mapping else { return self }
        return YAMLNode(.mapping(pairs.filter { $0.key.scalar != key }), at: location, explicitTag: explicitTag)
    }

    /// This mapping with `key` set to `value` (replacing or appending).
    func setting(_ key: String, _ value: YAMLNode) -> YAMLNode {
        var pairs = mapping ?? []
        if let index = pairs.firstIndex(where: { $0.key.scalar == key }) {
            pairs[index].value = value
        } else {
            pairs.append((YAMLNode(.scalar(key, .plain), at: value.location), value))
        }
        return YAMLNode(.mapping(pairs), at: location, explicitTag: explicitTag)
    }

    /// Where `key` is written in this mapping, else where the mapping is.
    func keyLocation(_ key: String) -> SourceLocation {
        mapping?.first { $0.key.scalar == key }?.key.location ?? location
    }

    /// A scalar's text as GitLab reads strings (booleans and numbers as written); nil for a collection or null.
    var text: String? {
        guard let scalar, !isNull else { return nil }
        return scalar
    }

    /// A plain `true`/`false`.
    var bool: Bool? {
        guard isPlainScalar, let scalar else { return nil }
        switch scalar {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default: return nil
        }
    }

    /// A string or a sequence of strings, as a list (GitLab accepts either for most list keys).
    var stringList: [String] {
        sequence?.compactMap(\.text) ?? text.map { [$0] } ?? []
    }
}
