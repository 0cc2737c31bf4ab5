import AsyncHTTPClient
import Foundation
import Manifests
import NIOCore
import NIOHTTP1
import TargetKit

/// A `Target` over any Kubernetes API server: server-side apply under Slipway's field managers (every object tried
/// as a dry run first, so a bad one leaves nothing applied), reads, deletion with background propagation, and a
/// watch made of list+watch per kind that resumes from its last resource version and relists on `410 Expired`.
public struct KubernetesTarget: Target {
    public let connection: KubernetesConnection
    /// The kinds `watch()` follows (each only if the server serves it).
    public let watchedKinds: [ObjectKind]

    public init(connection: KubernetesConnection, watchedKinds: [ObjectKind] = ObjectKind.known) {
        self.connection = connection
        self.watchedKinds = watchedKinds
    }

    /// The target a kubeconfig context names (default: the current context), or the pod's service account.
    public init(context: String?, kubeconfig: [String] = KubeconfigFile.defaultPaths) throws {
        let file = try KubeconfigFile(paths: kubeconfig)
        let credentials: ClusterCredentials
        if file.files.isEmpty, context == nil, let inCluster = KubeconfigFile.inCluster() {
            credentials = inCluster
        } else {
            credentials = try file.credentials(context: context)
        }
        self.init(connection: try KubernetesConnection(credentials: credentials))
    }

    func key(of object: ManifestValue) async throws -> (ObjectKey, KubernetesConnection.Resource) {
        guard let apiVersion = object["apiVersion"]?.string, let kindName = object["kind"]?.string,
            let name = object.value(at: ["metadata", "name"])?.string, !name.isEmpty
        else { throw TargetError.invalid("every object needs apiVersion, kind and metadata.name") }
        let group = apiVersion.contains("/") ? String(apiVersion.split(separator: "/")[0]) : ""
        let kind = ObjectKind(group: group, kind: kindName)
        let resource = try await connection.resource(for: kind)
        let namespace = object.value(at: ["metadata", "namespace"])?.string ?? connection.credentials.namespace
        return (ObjectKey(kind, namespace: resource.namespaced ? namespace : "", name: name), resource)
    }

    static func targetError(_ error: any Error, _ key: ObjectKey) -> any Error {
        guard case KubernetesClientError.server(let code, _, let message) = error else { return error }
        switch code {
        case 404: return TargetError.notFound(message.hasSuffix(" not found") ? String(message.dropLast(10)) : message)
        case 409, 422, 400, 403: return TargetError.invalid("\(key): \(message)")
        default: return error
        }
    }

    public func apply(_ objects: [ManifestValue], fieldManager: String, force: Bool) async throws -> [AppliedObject] {
        var items: [(key: ObjectKey, resource: KubernetesConnection.Resource, object: ManifestValue)] = []
        for object in objects {
            let (key, resource) = try await key(of: object)
            guard !items.contains(where: { $0.key == key }) else { throw TargetError.invalid("\(key) appears twice in one apply") }
            var object = object
            if resource.namespaced { object.set(.string(key.namespace), at: ["metadata", "namespace"]) }
            object["status"] = nil
            items.append((key, resource, object))
        }
        // All of them as a dry run first: the server's own admission decides, and a refusal applies nothing.
        for item in items {
            do {
                _ = try await patch(item.object, key: item.key, resource: item.resource, manager: fieldManager, force: force, dryRun: true)
            } catch {
                throw Self.targetError(error, item.key)
            }
        }
        var results: [AppliedObject] = []
        for item in items {
            do {
                let before = try await connection.json(
                    .GET, item.resource.path(namespace: item.key.namespace) + "/" + item.key.name, allowNotFound: true)
                let (status, after) = try await patch(
                    item.object, key: item.key, resource: item.resource, manager: fieldManager, force: force, dryRun: false)
                let outcome: AppliedObject.Outcome =
                    status == 201 || before == nil
                    ? .created
                    : before?.value.value(at: ["metadata", "resourceVersion"]) == after.value(at: ["metadata", "resourceVersion"])
                        ? .unchanged : .configured
                results.append(AppliedObject(key: item.key, outcome: outcome))
            } catch {
                throw Self.targetError(error, item.key)
            }
        }
        return results
    }

    private func patch(
        _ object: ManifestValue, key: ObjectKey, resource: KubernetesConnection.Resource, manager: String, force: Bool, dryRun: Bool
    ) async throws -> (Int, ManifestValue) {
        var query = ["fieldManager": manager, "force": force ? "true" : "false"]
        if dryRun { query["dryRun"] = "All" }
        guard
            let reply = try await connection.json(
                .PATCH, resource.path(namespace: key.namespace) + "/" + key.name, query: query, body: object,
                contentType: "application/apply-patch+yaml")
        else { throw TargetError.notFound(key.description) }
        return (reply.status, reply.value)
    }

    public func get(_ key: ObjectKey) async throws -> ManifestValue? {
        let resource = try await connection.resource(for: key.kind)
        return try await connection.json(.GET, resource.path(namespace: key.namespace) + "/" + key.name, allowNotFound: true)?.value
    }

    public func list(_ kind: ObjectKind, namespace: String?) async throws -> [ManifestValue] {
        let resource = try await connection.resource(for: kind)
        return try await list(resource, kind: kind, namespace: namespace).items
    }

    /// Every object of a kind, page by page, with the list's resource version.
    func list(_ resource: KubernetesConnection.Resource, kind: ObjectKind, namespace: String?) async throws -> (
        items: [ManifestValue], resourceVersion: String
    ) {
        var items: [ManifestValue] = []
        var continueToken: String?
        var version = ""
        repeat {
            var query = ["limit": "500"]
            if let continueToken { query["continue"] = continueToken }
            guard let page = try await connection.json(.GET, resource.path(namespace: namespace), query: query)?.value else { break }
            for var item in page["items"]?.array ?? [] {
                // Lists leave out each item's apiVersion and kind.
                item["apiVersion"] = .string(resource.apiVersion)
                item["kind"] = .string(kind.kind)
                items.append(item)
            }
            version = page.value(at: ["metadata", "resourceVersion"])?.string ?? version
            continueToken = page.value(at: ["metadata", "continue"])?.string.flatMap { $0.isEmpty ? nil : $0 }
        } while continueToken != nil
        return (items, version)
    }

    public func delete(_ key: ObjectKey) async throws -> Bool {
        let resource = try await connection.resource(for: key.kind)
        do {
            return try await connection.json(
                .DELETE, resource.path(namespace: key.namespace) + "/" + key.name,
                body: .object(["kind": .string("DeleteOptions"), "apiVersion": .string("v1"), "propagationPolicy": .string("Background")]),
                allowNotFound: true) != nil
        } catch {
            throw Self.targetError(error, key)
        }
    }
}
