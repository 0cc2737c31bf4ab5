import Core

/// Replaces every `!reference [key, key, …]` with the node it names (itself resolved); a reference inside a sequence
/// that names a sequence is spliced in, as GitLab flattens nested script and rules arrays.
struct ReferenceResolver {
    let root: YAMLNode

    static let tag = "!reference"

    func resolve() throws(Diagnostic) -> YAMLNode {
        try resolve(root, chain: [])
    }

    private func resolve(_ node: YAMLNode, chain: [[String]]) throws(Diagnostic) -> YAMLNode {
        switch node.content {
        case .scalar: return node
        case .mapping(let pairs):
            var result: [(key: YAMLNode, value: YAMLNode)] = []
            for pair in pairs { result.append((pair.key, try resolve(pair.value, chain: chain))) }
            return YAMLNode(.mapping(result), at: node.location, explicitTag: node.explicitTag)
        case .sequence(let items):
            if node.explicitTag == Self.tag { return try target(node, chain: chain) }
            var result: [YAMLNode] = []
            for item in items {
                if item.explicitTag == Self.tag {
                    let resolved = try target(item, chain: chain)
                    if let inner = resolved.sequence {
                        result += inner
                    } else {
                        result.append(resolved)
                    }
                } else {
                    result.append(try resolve(item, chain: chain))
                }
            }
            return YAMLNode(.sequence(result), at: node.location, explicitTag: node.explicitTag)
        }
    }

    private func target(_ reference: YAMLNode, chain: [[String]]) throws(Diagnostic) -> YAMLNode {
        var path: [String] = []
        for item in reference.sequence ?? [] {
            guard let key = item.text else {
                throw Diagnostic("!reference must be a sequence of keys", at: item.location)
            }
            path.append(key)
        }
        let shown = "!reference [" + path.map { "\"\($0)\"" }.joined(separator: ", ") + "]"
        guard !path.isEmpty else { throw Diagnostic("\(shown) must name at least one key", at: reference.location) }
        guard !chain.contains(path) else { throw Diagnostic("\(shown) is part of a circular chain", at: reference.location) }
        guard chain.count < GitLabConfigLoader.maximumReferenceDepth else {
            throw Diagnostic(
                "\(shown) is nested too deeply: at most \(GitLabConfigLoader.maximumReferenceDepth) levels", at: reference.location)
        }
        var node = root
        for key in path {
            guard let next = node[key] else { throw Diagnostic("\(shown) could not be found", at: reference.location) }
            node = next
        }
        return try resolve(node, chain: chain + [path])
    }
}
