import Foundation
import Manifests
import TargetKit

/// What discovery answers, in both of its forms: aggregated (`apidiscovery.k8s.io/v2`, one request for all groups)
/// and the legacy documents (`APIVersions`, `APIGroupList`, one `APIResourceList` per group version).
public struct DiscoveryDocuments: Sendable {
    public static let aggregatedContentType = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"

    public let catalog: APIResourceCatalog

    public init(catalog: APIResourceCatalog) {
        self.catalog = catalog
    }

    /// Whether an `Accept` header asks for aggregated discovery.
    public static func wantsAggregated(_ accept: String?) -> Bool {
        guard let accept else { return false }
        return accept.split(separator: ",").contains { type in
            let parameters = Set(type.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) })
            return parameters.contains("g=apidiscovery.k8s.io") && parameters.contains("v=v2")
                && parameters.contains("as=APIGroupDiscoveryList")
        }
    }

    /// `/api` (core) or `/apis` (every other group), aggregated.
    public func aggregated(core: Bool) -> ManifestValue {
        let groups = catalog.groups.filter { $0.name.isEmpty == core }
        return .object([
            "kind": .string("APIGroupDiscoveryList"), "apiVersion": .string("apidiscovery.k8s.io/v2"), "metadata": .object([:]),
            "items": .array(
                groups.map { group in
                    .object([
                        "metadata": group.name.isEmpty ? .object([:]) : .object(["name": .string(group.name)]),
                        "versions": .array(
                            group.versions.map { version in
                                .object([
                                    "version": .string(version), "freshness": .string("Current"),
                                    "resources": .array(
                                        catalog.resources(group: group.name, version: version).map { aggregated($0, version: version) }),
                                ])
                            }),
                    ])
                }),
        ])
    }

    private func aggregated(_ resource: APIResource, version: String) -> ManifestValue {
        var fields: [String: ManifestValue] = [
            "resource": .string(resource.name),
            "responseKind": .object(["group": .string(resource.group), "version": .string(version), "kind": .string(resource.kind.kind)]),
            "scope": .string(resource.isNamespaced ? "Namespaced" : "Cluster"), "singularResource": .string(resource.singular),
            "verbs": .array(resource.verbs.map(ManifestValue.string)),
        ]
        if !resource.shortNames.isEmpty { fields["shortNames"] = .array(resource.shortNames.map(ManifestValue.string)) }
        if !resource.categories.isEmpty { fields["categories"] = .array(resource.categories.map(ManifestValue.string)) }
        if !resource.subresources.isEmpty {
            fields["subresources"] = .array(
                resource.subresources.map { sub in
                    .object([
                        "subresource": .string(sub.name),
                        "responseKind": .object([
                            "group": .string(sub.group), "version": .string(sub.name == "status" ? version : sub.version),
                            "kind": .string(sub.kind),
                        ]),
                        "verbs": .array(sub.verbs.map(ManifestValue.string)),
                    ])
                })
        }
        return .object(fields)
    }

    /// Legacy `/api`.
    public func apiVersions(serverAddress: String) -> ManifestValue {
        .object([
            "kind": .string("APIVersions"), "versions": .array([.string("v1")]),
            "serverAddressByClientCIDRs": .array([
                .object(["clientCIDR": .string("0.0.0.0/0"), "serverAddress": .string(serverAddress)])
            ]),
        ])
    }

    /// Legacy `/apis`.
    public func groupList() -> ManifestValue {
        .object([
            "kind": .string("APIGroupList"), "apiVersion": .string("v1"),
            "groups": .array(catalog.groups.filter { !$0.name.isEmpty }.map(groupObject)),
        ])
    }

    /// Legacy `/apis/GROUP`.
    public func group(_ name: String) -> ManifestValue? {
        guard let group = catalog.groups.first(where: { $0.name == name && !name.isEmpty }) else { return nil }
        var object = groupObject(group)
        object["kind"] = .string("APIGroup")
        object["apiVersion"] = .string("v1")
        return object
    }

    private func groupObject(_ group: (name: String, versions: [String])) -> ManifestValue {
        let versions: [ManifestValue] = group.versions.map {
            .object(["groupVersion": .string("\(group.name)/\($0)"), "version": .string($0)])
        }
        return .object([
            "name": .string(group.name), "versions": .array(versions), "preferredVersion": versions.first ?? .object([:]),
        ])
    }

    /// Legacy `/api/v1` or `/apis/GROUP/VERSION`; nil when that group version is not served.
    public func resourceList(group: String, version: String) -> ManifestValue? {
        let resources = catalog.resources(group: group, version: version)
        guard !resources.isEmpty else { return nil }
        var items: [ManifestValue] = []
        for resource in resources {
            var fields: [String: ManifestValue] = [
                "name": .string(resource.name), "singularName": .string(resource.singular), "namespaced": .bool(resource.isNamespaced),
                "kind": .string(resource.kind.kind), "verbs": .array(resource.verbs.map(ManifestValue.string)),
            ]
            if !resource.shortNames.isEmpty { fields["shortNames"] = .array(resource.shortNames.map(ManifestValue.string)) }
            if !resource.categories.isEmpty { fields["categories"] = .array(resource.categories.map(ManifestValue.string)) }
            items.append(.object(fields))
            for sub in resource.subresources {
                var subFields: [String: ManifestValue] = [
                    "name": .string("\(resource.name)/\(sub.name)"), "singularName": .string(""),
                    "namespaced": .bool(resource.isNamespaced),
                    "kind": .string(sub.kind), "verbs": .array(sub.verbs.map(ManifestValue.string)),
                ]
                if sub.name == "scale" {
                    subFields["group"] = .string(sub.group)
                    subFields["version"] = .string(sub.version)
                }
                items.append(.object(subFields))
            }
        }
        return .object([
            "kind": .string("APIResourceList"), "apiVersion": .string("v1"),
            "groupVersion": .string(group.isEmpty ? version : "\(group)/\(version)"), "resources": .array(items),
        ])
    }

    /// `/version`: the Kubernetes version whose API this one follows.
    public static let version: ManifestValue = .object([
        "major": .string("1"), "minor": .string("32"), "gitVersion": .string("v1.32.0-slipway"), "gitCommit": .string(""),
        "gitTreeState": .string("clean"), "buildDate": .string("2026-01-01T00:00:00Z"), "goVersion": .string("swift"),
        "compiler": .string("swiftc"), "platform": .string("linux/amd64"),
    ])
}
