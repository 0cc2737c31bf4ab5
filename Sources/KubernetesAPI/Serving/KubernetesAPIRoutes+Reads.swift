import Foundation
import Hummingbird
import Manifests
import NIOCore
import TargetKit

extension KubernetesAPIRoutes {
    /// Objects of a resource with the version they were read at: stored ones, or those derived from others.
    func snapshot(_ resource: APIResource, namespace: String?) async -> (objects: [ManifestValue], resourceVersion: Int) {
        guard ServiceEndpoints.isDerived(resource.kind) else { return await backend.store.snapshot(resource.kind, namespace: namespace) }
        let (services, version) = await backend.store.snapshot(.service, namespace: namespace)
        let pods = await backend.store.list(.pod, namespace: namespace)
        return (ServiceEndpoints.objects(resource.kind, services: services, pods: pods), version)
    }

    func get(_ request: Request, path: APIRequestPath, resource: APIResource, name: String) async throws -> Response {
        let key = key(resource, namespace: path.namespace, name: name)
        let shown: ManifestValue
        if ServiceEndpoints.isDerived(resource.kind) {
            let objects = await snapshot(resource, namespace: path.namespace ?? "default").objects
            guard let object = objects.first(where: { $0.value(at: ["metadata", "name"])?.string == name }) else {
                throw APIStatus.notFound(resource, name: name)
            }
            shown = object
        } else {
            guard let object = try await backend.get(key) else { throw APIStatus.notFound(resource, name: name) }
            shown = await present(object, key: key, apiVersion: path.apiVersion)
        }
        if Self.wantsTable(request) {
            let version = shown.value(at: ["metadata", "resourceVersion"])?.string ?? ""
            return Self.json(
                tables.table(
                    [shown], resource: resource, includeObject: Self.query(request, "includeObject"), resourceVersion: version,
                    continueToken: nil))
        }
        return Self.json(shown)
    }

    /// The objects a list or watch selects.
    struct Selection {
        var labels: LabelSelector
        var fields: FieldSelector

        func matches(_ object: ManifestValue) -> Bool {
            labels.matches(object.value(at: ["metadata", "labels"])?.stringMap ?? [:]) && fields.matches(object)
        }
    }

    func selection(_ request: Request, resource: APIResource) throws(APIStatus) -> Selection {
        Selection(
            labels: try LabelSelector.parse(Self.query(request, "labelSelector") ?? ""),
            fields: try FieldSelector.parse(Self.query(request, "fieldSelector") ?? "", for: resource))
    }

    func list(_ request: Request, path: APIRequestPath, resource: APIResource) async throws -> Response {
        let selection = try selection(request, resource: resource)
        let (objects, version) = await snapshot(resource, namespace: resource.isNamespaced ? path.namespace : nil)
        var items = objects.filter(selection.matches)
        var continueToken: String?
        if let start = Self.query(request, "continue") {
            guard let token = ContinueToken(start) else {
                throw APIStatus(code: 400, reason: "BadRequest", message: "continue key is not valid: the token could not be decoded")
            }
            items = items.filter { ContinueToken.position(of: $0) > token.after }
        }
        if let limitText = Self.query(request, "limit"), let limit = Int(limitText), limit > 0, items.count > limit {
            items = Array(items.prefix(limit))
            if let last = items.last { continueToken = ContinueToken(after: ContinueToken.position(of: last), version: version).text }
        }
        var shown: [ManifestValue] = []
        for object in items {
            guard let key = ObjectKey.of(object) else {
                shown.append(object)
                continue
            }
            shown.append(await present(object, key: key, apiVersion: path.apiVersion))
        }
        if Self.wantsTable(request) {
            return Self.json(
                tables.table(
                    shown, resource: resource, includeObject: Self.query(request, "includeObject"), resourceVersion: String(version),
                    continueToken: continueToken))
        }
        var metadata: [String: ManifestValue] = ["resourceVersion": .string(String(version))]
        if let continueToken { metadata["continue"] = .string(continueToken) }
        return Self.json(
            .object([
                "kind": .string("\(resource.kind.kind)List"), "apiVersion": .string(path.apiVersion), "metadata": .object(metadata),
                "items": .array(shown),
            ]))
    }
}

/// Where a paged list goes on: after which namespace and name, at which resource version.
struct ContinueToken {
    var after: String
    var version: Int

    init(after: String, version: Int) {
        self.after = after
        self.version = version
    }

    init?(_ text: String) {
        guard let data = Data(base64Encoded: text), let value = try? ManifestValue(json: data), let after = value["start"]?.string,
            let version = value["rv"]?.int
        else { return nil }
        self.after = after
        self.version = version
    }

    var text: String {
        Data(ManifestValue.object(["start": .string(after), "rv": .int(version)]).jsonText.utf8).base64EncodedString()
    }

    /// Lists are ordered by namespace, then name; NUL cannot appear in either.
    static func position(of object: ManifestValue) -> String {
        (object.value(at: ["metadata", "namespace"])?.string ?? "") + "\u{0}" + (object.value(at: ["metadata", "name"])?.string ?? "")
    }
}
