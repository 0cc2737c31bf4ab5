import Foundation
import Hummingbird
import Manifests
import TargetKit

extension KubernetesAPIRoutes {
    /// `fieldValidation=Strict` or `Warn` (kubectl asks for Strict) is accepted but not carried out: said, not kept silent.
    static func validationWarnings(_ request: Request) -> [String] {
        guard let mode = query(request, "fieldValidation"), mode != "Ignore" else { return [] }
        return ["fieldValidation=\(mode) is not enforced by the local target: fields it does not know are stored, not refused"]
    }

    /// Runs a write, turning the target's errors into the API server's.
    func performing<T>(_ resource: APIResource, name: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as TargetError {
            throw APIStatus.from(error, resource: resource, name: name)
        }
    }

    /// The body of a create or update, checked against the URL: kind, group, namespace and name.
    func incoming(
        _ object: ManifestValue, path: APIRequestPath, resource: APIResource, name: String?
    ) throws(APIStatus) -> (object: ManifestValue, key: ObjectKey) {
        guard object.object != nil else { throw .badRequest("the body of the request must be an object") }
        var object = object
        let kind = object["kind"]?.string ?? resource.kind.kind
        guard kind == resource.kind.kind else {
            throw .badRequest("the kind in the data (\(kind)) does not match the expected kind (\(resource.kind.kind))")
        }
        let apiVersion = object["apiVersion"]?.string ?? path.apiVersion
        let group = apiVersion.contains("/") ? String(apiVersion.split(separator: "/")[0]) : ""
        guard group == resource.group else {
            throw .badRequest("the API version in the data (\(apiVersion)) does not match the expected API version (\(path.apiVersion))")
        }
        object["apiVersion"] = .string(apiVersion)
        object["kind"] = .string(kind)
        if resource.isNamespaced {
            let requested = path.namespace ?? "default"
            if let given = object.value(at: ["metadata", "namespace"])?.string, !given.isEmpty, given != requested {
                throw .badRequest("the namespace of the provided object does not match the namespace sent on the request")
            }
            object.set(.string(requested), at: ["metadata", "namespace"])
        } else {
            object.remove(at: ["metadata", "namespace"])
        }
        var objectName = object.value(at: ["metadata", "name"])?.string ?? ""
        if let name {
            if objectName.isEmpty { objectName = name }
            guard objectName == name else {
                throw .badRequest("the name of the object (\(objectName)) does not match the name on the URL (\(name))")
            }
        } else if objectName.isEmpty, let prefix = object.value(at: ["metadata", "generateName"])?.string, !prefix.isEmpty {
            let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
            objectName = prefix + String((0..<5).map { _ in alphabet.randomElement() ?? "x" })
        }
        guard !objectName.isEmpty else {
            throw APIStatus.invalid(
                resource, name: "", message: "metadata.name: Required value: name or generateName is required", field: "metadata.name")
        }
        object.set(.string(objectName), at: ["metadata", "name"])
        return (object, key(resource, namespace: path.namespace ?? "default", name: objectName))
    }

    func create(_ request: Request, path: APIRequestPath, resource: APIResource) async throws -> Response {
        guard resource.writable else { throw APIStatus.methodNotAllowed(resource, verb: "create") }
        let (object, key) = try incoming(try await Self.body(request), path: path, resource: resource, name: nil)
        let manager = try Self.manager(request)
        let dryRun = try Self.dryRun(request)
        let (stored, warnings) = try await performing(resource, name: key.name) {
            try await backend.write(object, key: key, manager: manager, mode: .create, expectedVersion: nil, dryRun: dryRun)
        }
        var response = Self.json(await present(stored, key: key, apiVersion: path.apiVersion), status: .created)
        Self.warn(&response, warnings + Self.validationWarnings(request))
        return response
    }

    func update(_ request: Request, path: APIRequestPath, resource: APIResource, name: String) async throws -> Response {
        guard resource.writable else { throw APIStatus.methodNotAllowed(resource, verb: "update") }
        let (object, key) = try incoming(try await Self.body(request), path: path, resource: resource, name: name)
        let manager = try Self.manager(request)
        let dryRun = try Self.dryRun(request)
        let expected = object.value(at: ["metadata", "resourceVersion"])?.string
        let (stored, warnings) = try await performing(resource, name: name) {
            try await backend.write(object, key: key, manager: manager, mode: .update, expectedVersion: expected, dryRun: dryRun)
        }
        var response = Self.json(await present(stored, key: key, apiVersion: path.apiVersion))
        Self.warn(&response, warnings + Self.validationWarnings(request))
        return response
    }

    /// The patch type of a request's `Content-Type`, checked against what the resource accepts.
    static func patchType(_ request: Request, resource: APIResource) throws(APIStatus) -> String {
        let type = (request.headers[.contentType] ?? "").split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        let accepted = OpenAPIDocuments.patchTypes(resource)
        guard accepted.contains(type) else {
            throw APIStatus.unsupportedMediaType(
                type, accepted: accepted.filter { $0 != "application/strategic-merge-patch+json" || resource.kind.isBuiltIn })
        }
        return type
    }

    /// Applies a non-apply patch to `current`.
    static func patched(_ current: ManifestValue, type: String, patch: ManifestValue) throws(APIStatus) -> ManifestValue {
        switch type {
        case "application/json-patch+json": return try JSONPatch.apply(patch, to: current)
        case "application/merge-patch+json":
            guard patch.object != nil else { throw .badRequest("the merge patch must be a JSON object") }
            return MergePatch.apply(patch, to: current)
        default: return try StrategicMergePatch.apply(patch, to: current)
        }
    }

    func patch(_ request: Request, path: APIRequestPath, resource: APIResource, name: String) async throws -> Response {
        let type = try Self.patchType(request, resource: resource)
        let key = key(resource, namespace: path.namespace, name: name)
        let dryRun = try Self.dryRun(request)
        if type == "application/apply-patch+yaml" {
            return try await apply(request, path: path, resource: resource, key: key, dryRun: dryRun)
        }
        guard resource.writable else { throw APIStatus.methodNotAllowed(resource, verb: "patch") }
        if Self.query(request, "force") != nil {
            throw APIStatus(code: 422, reason: "Invalid", message: "force: Forbidden: may not be specified for non-apply patch")
        }
        let manager = try Self.manager(request)
        let patch = try await Self.body(request)
        // A concurrent write moves the version under a patch that named none: patch the newer object, as the API server does.
        for attempt in 1...5 {
            guard let live = try await backend.get(key) else { throw APIStatus.notFound(resource, name: name) }
            // Patched as clients see it, managed fields included (kubectl rewrites them with a JSON patch).
            let current = await present(live, key: key, apiVersion: path.apiVersion)
            let next = try Self.patched(current, type: type, patch: patch)
            let named = patch.value(at: ["metadata", "resourceVersion"])?.string
            let expected = named ?? current.value(at: ["metadata", "resourceVersion"])?.string
            do {
                let (stored, warnings) = try await performing(resource, name: name) {
                    try await backend.write(next, key: key, manager: manager, mode: .update, expectedVersion: expected, dryRun: dryRun)
                }
                var response = Self.json(await present(stored, key: key, apiVersion: path.apiVersion))
                Self.warn(&response, warnings + Self.validationWarnings(request))
                return response
            } catch let status as APIStatus where status.code == 409 && named == nil && attempt < 5 {
                continue
            }
        }
        throw APIStatus.conflict(resource, name: name, message: TargetError.modified(key).description)
    }

    /// Server-side apply: the body is the manager's whole intent; a missing object is created.
    private func apply(_ request: Request, path: APIRequestPath, resource: APIResource, key: ObjectKey, dryRun: Bool) async throws
        -> Response
    {
        guard resource.writable else { throw APIStatus.methodNotAllowed(resource, verb: "apply") }
        guard let manager = Self.query(request, "fieldManager") else {
            throw APIStatus(
                code: 422, reason: "Invalid",
                message: "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch")
        }
        _ = try Self.manager(request)
        let force = Self.flag(request, "force")
        let (object, _) = try incoming(try await Self.body(request, yaml: true), path: path, resource: resource, name: key.name)
        let existed = try await backend.get(key) != nil
        let (stored, warnings) = try await performing(resource, name: key.name) {
            try await backend.serverSideApply(object, key: key, manager: manager, force: force, dryRun: dryRun)
        }
        var response = Self.json(await present(stored, key: key, apiVersion: path.apiVersion), status: existed ? .ok : .created)
        Self.warn(&response, warnings + Self.validationWarnings(request))
        return response
    }

    func delete(_ request: Request, path: APIRequestPath, resource: APIResource, name: String) async throws -> Response {
        let key = key(resource, namespace: path.namespace, name: name)
        let buffer = try await request.body.collect(upTo: 1 << 20)
        let options = buffer.readableBytes > 0 ? (try? ManifestValue(json: Data(buffer.readableBytesView))) ?? .object([:]) : .object([:])
        let policy = options["propagationPolicy"]?.string ?? Self.query(request, "propagationPolicy") ?? "Background"
        guard ["Background", "Foreground", "Orphan"].contains(policy) else {
            throw APIStatus.badRequest("propagationPolicy: Unsupported value: \"\(policy)\"")
        }
        let dryRun = try Self.dryRun(request) || options["dryRun"]?.array?.contains(.string("All")) == true
        guard let current = try await backend.get(key) else { throw APIStatus.notFound(resource, name: name) }
        let uid = current.value(at: ["metadata", "uid"])?.string ?? ""
        if let wanted = options.value(at: ["preconditions", "uid"])?.string, wanted != uid {
            throw APIStatus.conflict(
                resource, name: name, message: "Precondition failed: UID in precondition: \(wanted), UID in object meta: \(uid)")
        }
        if let wanted = options.value(at: ["preconditions", "resourceVersion"])?.string,
            wanted != current.value(at: ["metadata", "resourceVersion"])?.string
        {
            throw APIStatus.conflict(
                resource, name: name,
                message: "Precondition failed: ResourceVersion in precondition: \(wanted), ResourceVersion in object meta: "
                    + (current.value(at: ["metadata", "resourceVersion"])?.string ?? ""))
        }
        var warnings: [String] = []
        if policy == "Orphan" {
            warnings.append("propagationPolicy Orphan is not honoured by the local target: what \(name) owns is deleted with it")
        }
        let grace = options["gracePeriodSeconds"]?.int ?? Self.query(request, "gracePeriodSeconds").flatMap(Int.init)
        if !dryRun {
            _ = try await performing(resource, name: name) { try await backend.delete(key, gracePeriodSeconds: grace) }
        }
        var response: Response
        if resource.kind == .pod {
            let shown = try await backend.get(key) ?? current
            response = Self.json(await present(shown, key: key, apiVersion: path.apiVersion))
        } else {
            var details: [String: ManifestValue] = ["name": .string(name), "kind": .string(resource.name), "uid": .string(uid)]
            if !resource.group.isEmpty { details["group"] = .string(resource.group) }
            response = Self.json(
                .object([
                    "kind": .string("Status"), "apiVersion": .string("v1"), "metadata": .object([:]), "status": .string("Success"),
                    "details": .object(details),
                ]))
        }
        Self.warn(&response, warnings)
        return response
    }
}
