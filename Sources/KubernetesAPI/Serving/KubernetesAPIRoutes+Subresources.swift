import Foundation
import Hummingbird
import Manifests
import NIOCore
import ServiceLifecycle
import Synchronization
import TargetKit

extension KubernetesAPIRoutes {
    /// `autoscaling/v1 Scale` of a workload, as `kubectl scale` reads and writes it.
    static func scaleObject(_ object: ManifestValue) -> ManifestValue {
        var metadata: [String: ManifestValue] = [:]
        for field in ["name", "namespace", "uid", "resourceVersion", "creationTimestamp"] {
            if let value = object.value(at: ["metadata", field]) { metadata[field] = value }
        }
        let selector = TableConverter.selectorText(object.value(at: ["spec", "selector"]))
        return .object([
            "kind": .string("Scale"), "apiVersion": .string("autoscaling/v1"), "metadata": .object(metadata),
            "spec": .object(["replicas": .int(object.value(at: ["spec", "replicas"])?.int ?? 1)]),
            "status": .object([
                "replicas": .int(object.value(at: ["status", "replicas"])?.int ?? 0),
                "selector": .string(selector == "<none>" ? "" : selector),
            ]),
        ])
    }

    func scale(_ request: Request, path: APIRequestPath, resource: APIResource, name: String) async throws -> Response {
        let key = key(resource, namespace: path.namespace, name: name)
        guard let current = try await backend.get(key) else { throw APIStatus.notFound(resource, name: name) }
        let scale = Self.scaleObject(current)
        let wanted: ManifestValue
        switch request.method {
        case .get: return Self.json(scale)
        case .put: wanted = try await Self.body(request)
        case .patch:
            let type = try Self.patchType(request, resource: resource)
            guard type != "application/apply-patch+yaml" else {
                throw APIStatus.unsupportedMediaType(type, accepted: ["application/json-patch+json", "application/merge-patch+json"])
            }
            wanted = try Self.patched(scale, type: type, patch: try await Self.body(request))
        default:
            throw APIStatus(
                code: 405, reason: "MethodNotAllowed", message: "the server does not allow this method on the requested resource")
        }
        guard let replicas = wanted.value(at: ["spec", "replicas"])?.int, replicas >= 0 else {
            throw APIStatus(
                code: 422, reason: "Invalid",
                message: "Scale.autoscaling \"\(name)\" is invalid: spec.replicas: Invalid value: must be greater than or equal to 0")
        }
        let expected = wanted.value(at: ["metadata", "resourceVersion"])?.string
        var next = current
        next.set(.int(replicas), at: ["spec", "replicas"])
        let manager = try Self.manager(request)
        let dryRun = try Self.dryRun(request)
        let (stored, _) = try await performing(resource, name: name) {
            try await backend.write(next, key: key, manager: manager, mode: .update, expectedVersion: expected, dryRun: dryRun)
        }
        return Self.json(Self.scaleObject(stored))
    }

    func status(_ request: Request, path: APIRequestPath, resource: APIResource, name: String) async throws -> Response {
        let key = key(resource, namespace: path.namespace, name: name)
        guard let current = try await backend.get(key) else { throw APIStatus.notFound(resource, name: name) }
        let status: ManifestValue
        switch request.method {
        case .get: return Self.json(await present(current, key: key, apiVersion: path.apiVersion))
        case .put: status = try await Self.body(request)["status"] ?? .object([:])
        case .patch:
            let type = try Self.patchType(request, resource: resource)
            let patch = try await Self.body(request, yaml: true)
            status =
                type == "application/apply-patch+yaml"
                ? MergePatch.apply(patch, to: current)["status"] ?? .object([:])
                : try Self.patched(current, type: type, patch: patch)["status"] ?? .object([:])
        default:
            throw APIStatus(
                code: 405, reason: "MethodNotAllowed", message: "the server does not allow this method on the requested resource")
        }
        let stored = try await performing(resource, name: name) { try await backend.writeStatus(status, of: key) }
        return Self.json(await present(stored, key: key, apiVersion: path.apiVersion))
    }

    /// A pod's output as text; with `follow`, new output as it is written, until the pod goes or the client does.
    func log(_ request: Request, path: APIRequestPath, resource: APIResource, name: String) async throws -> Response {
        let key = key(resource, namespace: path.namespace, name: name)
        guard let pod = try await backend.get(key) else { throw APIStatus.notFound(resource, name: name) }
        let containers = (pod.value(at: ["spec", "containers"])?.array ?? []).compactMap { $0["name"]?.string }
        if let container = Self.query(request, "container") {
            guard containers.contains(container) else {
                throw APIStatus.badRequest("container \(container) is not valid for pod \(name)")
            }
        } else if containers.count > 1 {
            throw APIStatus.badRequest(
                "a container name must be specified for pod \(name), choose one of: [\(containers.joined(separator: " "))]")
        }
        if Self.flag(request, "previous") {
            throw APIStatus.badRequest(
                "previous terminated container \"\(Self.query(request, "container") ?? containers.first ?? "")\" in pod \"\(name)\" not found"
            )
        }
        guard let file = await backend.podLogFile(key) else { throw APIStatus.notFound(resource, name: name) }
        var warnings: [String] = []
        for option in ["timestamps", "sinceSeconds", "sinceTime"]
        where Self.query(request, option) != nil && Self.query(request, option) != "false" {
            warnings.append("\(option) is not honoured by the local target: it does not record when each line was written")
        }
        let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
        var shown = text
        if let tail = Self.query(request, "tailLines").flatMap(Int.init), tail >= 0 {
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            if lines.last == "" { lines.removeLast() }
            shown = lines.suffix(tail).map { $0 + "\n" }.joined()
        }
        if let limit = Self.query(request, "limitBytes").flatMap(Int.init), limit > 0, shown.utf8.count > limit {
            shown = String(decoding: shown.utf8.prefix(limit), as: UTF8.self)
        }
        let headers: HTTPFields = [.contentType: "text/plain"]
        guard Self.flag(request, "follow") else {
            var response = Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: shown)))
            Self.warn(&response, warnings)
            return response
        }
        let backend = self.backend
        let start = text.utf8.count
        let first = shown
        let uid = pod.value(at: ["metadata", "uid"])
        var response = Response(
            status: .ok, headers: headers,
            body: ResponseBody { writer in
                try await writer.write(ByteBuffer(string: first))
                var offset = start
                let stopping = StopFlag()
                try await withGracefulShutdownHandler {
                    // The runtime appends to a plain file and announces nothing, so following it means looking again.
                    while !stopping.isSet, !Task.isCancelled {
                        if let handle = FileHandle(forReadingAtPath: file) {
                            defer { try? handle.close() }
                            try? handle.seek(toOffset: UInt64(offset))
                            if let data = try? handle.readToEnd(), !data.isEmpty {
                                offset += data.count
                                try await writer.write(ByteBuffer(bytes: data))
                            }
                        }
                        let live = try? await backend.get(key)
                        guard let live = live ?? nil, live.value(at: ["metadata", "uid"]) == uid else { break }
                        try? await Task.sleep(for: .milliseconds(100))
                    }
                } onGracefulShutdown: {
                    stopping.set()
                }
                try await writer.finish(nil)
            })
        Self.warn(&response, warnings)
        return response
    }
}

/// Set once, read from anywhere: tells a loop that the server is shutting down.
final class StopFlag: Sendable {
    private let state = Mutex(false)

    var isSet: Bool { state.withLock { $0 } }

    func set() { state.withLock { $0 = true } }
}
