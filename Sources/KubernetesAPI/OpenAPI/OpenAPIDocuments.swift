import Manifests
import TargetKit

/// OpenAPI v3 as kubectl reads it before it writes: an index of group versions, and per group version the patch
/// operations of each kind with the `fieldValidation` parameter, which tells kubectl the server validates fields
/// itself (so `apply` needs no client-side schema), and the patch types each kind accepts.
public struct OpenAPIDocuments: Sendable {
    public let catalog: APIResourceCatalog
    private let documents: [String: String]
    private let hashes: [String: String]

    public init(catalog: APIResourceCatalog) {
        self.catalog = catalog
        var documents: [String: ManifestValue] = [:]
        for group in catalog.groups {
            for version in group.versions {
                let path = group.name.isEmpty ? "api/\(version)" : "apis/\(group.name)/\(version)"
                documents[path] = Self.document(catalog.resources(group: group.name, version: version), group: group.name, version: version)
            }
        }
        // Serialised once: kubectl reads the index and a group version's document on every invocation.
        let texts = documents.mapValues(\.jsonText)
        self.documents = texts
        hashes = texts.mapValues(Self.hash)
    }

    /// `/openapi/v3`.
    public var index: ManifestValue {
        .object([
            "paths": .object(
                documents.keys.reduce(into: [:]) { paths, path in
                    paths[path] = .object(["serverRelativeURL": .string("/openapi/v3/\(path)?hash=\(hashes[path] ?? "")")])
                })
        ])
    }

    /// `/openapi/v3/api/v1`, `/openapi/v3/apis/apps/v1`, … as JSON text, with its hash (the ETag).
    public func document(_ path: String) -> (document: String, hash: String)? {
        guard let document = documents[path], let hash = hashes[path] else { return nil }
        return (document, hash)
    }

    /// Patch types a kind accepts: strategic merge patch only for built-in kinds, as the API server does.
    public static func patchTypes(_ resource: APIResource) -> [String] {
        var types = ["application/json-patch+json", "application/merge-patch+json"]
        if resource.kind.isBuiltIn { types.append("application/strategic-merge-patch+json") }
        types.append("application/apply-patch+yaml")
        return types
    }

    private static func document(_ resources: [APIResource], group: String, version: String) -> ManifestValue {
        var paths: [String: ManifestValue] = [:]
        let prefix = group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)"
        for resource in resources {
            let gvk: ManifestValue = .object(["group": .string(group), "version": .string(version), "kind": .string(resource.kind.kind)])
            let item =
                resource.isNamespaced ? "\(prefix)/namespaces/{namespace}/\(resource.name)/{name}" : "\(prefix)/\(resource.name)/{name}"
            let body: ManifestValue = .object([
                "content": .object(
                    Dictionary(
                        uniqueKeysWithValues: patchTypes(resource).map {
                            ($0, ManifestValue.object(["schema": .object(["type": .string("object")])]))
                        }))
            ])
            let parameters: ManifestValue = .array([
                .object(["name": .string("fieldValidation"), "in": .string("query"), "schema": .object(["type": .string("string")])]),
                .object(["name": .string("fieldManager"), "in": .string("query"), "schema": .object(["type": .string("string")])]),
                .object(["name": .string("dryRun"), "in": .string("query"), "schema": .object(["type": .string("string")])]),
                .object(["name": .string("force"), "in": .string("query"), "schema": .object(["type": .string("boolean")])]),
            ])
            let operation: ManifestValue = .object([
                "operationId": .string("patch\(resource.kind.kind)"), "x-kubernetes-group-version-kind": gvk,
                "x-kubernetes-action": .string("patch"),
                "parameters": parameters, "requestBody": body,
                "responses": .object(["200": .object(["description": .string("OK")])]),
            ])
            paths[item] = .object(["patch": operation])
        }
        return .object([
            "openapi": .string("3.0.0"), "info": .object(["title": .string("Slipway local target"), "version": .string("v1.32.0")]),
            "paths": .object(paths), "components": .object(["schemas": .object(OpenAPISchemas.components(group: group, version: version))]),
        ])
    }

    /// FNV-1a, 64 bits, in hex: a stable name for a document's content.
    static func hash(_ text: String) -> String {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            value ^= UInt64(byte)
            value = value &* 0x0000_0100_0000_01b3
        }
        let hex = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
