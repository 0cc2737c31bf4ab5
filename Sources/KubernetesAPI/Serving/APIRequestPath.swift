/// Where a Kubernetes API request points: discovery, a collection, an object or one of its subresources.
struct APIRequestPath: Sendable, Hashable {
    enum Target: Sendable, Hashable {
        /// `/api/v1`, `/apis/apps/v1`.
        case groupVersion
        case collection(APIResource)
        case object(APIResource, name: String)
        case subresource(APIResource, name: String, subresource: String)
    }

    var group: String
    var version: String
    /// Nil for cluster-scoped requests and for collections across every namespace.
    var namespace: String?
    var target: Target

    /// Parses `/api/v1/…` or `/apis/GROUP/VERSION/…`; nil when the path names nothing served.
    static func parse(_ path: String, catalog: APIResourceCatalog) -> APIRequestPath? {
        var segments = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard let root = segments.first else { return nil }
        segments.removeFirst()
        let group: String
        let version: String
        switch root {
        case "api":
            guard let first = segments.first else { return nil }
            group = ""
            version = first
            segments.removeFirst()
        case "apis":
            guard segments.count >= 2 else { return nil }
            group = segments[0]
            version = segments[1]
            segments.removeFirst(2)
        default:
            return nil
        }
        guard !catalog.resources(group: group, version: version).isEmpty else { return nil }
        if segments.isEmpty { return APIRequestPath(group: group, version: version, namespace: nil, target: .groupVersion) }
        var namespace: String?
        if segments.count >= 3, segments[0] == "namespaces",
            let resource = catalog.resource(group: group, version: version, name: segments[2]), resource.isNamespaced
        {
            namespace = segments[1]
            segments.removeFirst(2)
        }
        guard let resource = catalog.resource(group: group, version: version, name: segments[0]) else { return nil }
        if resource.isNamespaced && namespace == nil && segments.count > 1 { return nil }
        switch segments.count {
        case 1: return APIRequestPath(group: group, version: version, namespace: namespace, target: .collection(resource))
        case 2: return APIRequestPath(group: group, version: version, namespace: namespace, target: .object(resource, name: segments[1]))
        case 3:
            guard resource.subresources.contains(where: { $0.name == segments[2] }) else { return nil }
            return APIRequestPath(
                group: group, version: version, namespace: namespace,
                target: .subresource(resource, name: segments[1], subresource: segments[2]))
        default: return nil
        }
    }

    var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }
}
