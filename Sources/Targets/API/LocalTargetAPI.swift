import Foundation
import HTTPTypes
import Hummingbird
import KubernetesAPI
import Manifests
import NIOCore
import ServiceLifecycle
import TargetKit

/// The local target's HTTP API on loopback, spoken by `slipway local …`: apply, read, delete and watch objects,
/// pod logs, status, and the mesh's metrics in Prometheus format (`/metrics`, for a Prometheus scrape); and, on the
/// same address, the Kubernetes API that kubectl speaks (`/api`, `/apis`, `/openapi/v3`, `/version`).
public struct LocalTargetAPI: Sendable {
    public let target: LocalTarget
    let shutdown: @Sendable () -> Void

    public init(target: LocalTarget, shutdown: @escaping @Sendable () -> Void) {
        self.target = target
        self.shutdown = shutdown
    }

    /// The routes; with `token`, every request must carry it as a bearer token (the TLS port).
    public func router(token: String? = nil) -> Router<BasicRequestContext> {
        let router = Router()
        if let token { router.add(middleware: BearerTokenMiddleware(token: token)) }
        let target = self.target
        let shutdown = self.shutdown
        router.post("/v1/apply") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 64 << 20)
            let objects: [ManifestValue]
            do { objects = try JSONDecoder().decode([ManifestValue].self, from: Data(body.readableBytesView)) } catch {
                return Self.error(.badRequest, "the body must be a JSON array of objects: \(error)")
            }
            let manager = request.uri.queryParameters["manager"].map(String.init) ?? "slipway"
            let force = request.uri.queryParameters["force"] == "true"
            do {
                let results = try await target.apply(objects, fieldManager: manager, force: force)
                return Self.json(
                    .array(
                        results.map { result in
                            .object([
                                "kind": .string(result.key.kind.kind), "group": .string(result.key.kind.group),
                                "namespace": .string(result.key.namespace),
                                "name": .string(result.key.name), "outcome": .string(result.outcome.rawValue),
                                "warnings": .array(result.warnings.map(ManifestValue.string)),
                            ])
                        }))
            } catch let error as TargetError {
                if case .notFound = error { return Self.error(.notFound, error.description) }
                return Self.error(.unprocessableContent, error.description)
            }
        }
        router.get("/v1/objects") { request, _ -> Response in
            let parameters = request.uri.queryParameters
            guard let kindName = parameters["kind"].map(String.init), let kind = ObjectKind.named(kindName) else {
                return Self.error(
                    .badRequest, "error: the server doesn't have a resource type \"\(parameters["kind"].map(String.init) ?? "")\"")
            }
            let namespace = parameters["namespace"].map(String.init)
            if let name = parameters["name"].map(String.init) {
                let key = ObjectKey(kind, namespace: namespace ?? "default", name: name)
                guard let object = try await target.get(key) else {
                    return Self.error(
                        .notFound,
                        "Error from server (NotFound): \(kind.resource).\(kind.group.isEmpty ? "" : kind.group) \"\(name)\" not found"
                            .replacingOccurrences(of: ". \"", with: " \""))
                }
                return Self.json(.array([object]))
            }
            return Self.json(.array(try await target.list(kind, namespace: namespace)))
        }
        router.delete("/v1/objects") { request, _ -> Response in
            let parameters = request.uri.queryParameters
            guard let kind = parameters["kind"].flatMap({ ObjectKind.named(String($0)) }), let name = parameters["name"].map(String.init)
            else {
                return Self.error(.badRequest, "kind and name are required")
            }
            let key = ObjectKey(kind, namespace: parameters["namespace"].map(String.init) ?? "default", name: name)
            do {
                guard try await target.delete(key) else { return Self.error(.notFound, "\(key) not found") }
            } catch let error as TargetError {
                return Self.error(.unprocessableContent, error.description)
            }
            return Self.json(.object(["deleted": .string(key.description)]))
        }
        router.get("/v1/logs") { request, _ -> Response in
            let parameters = request.uri.queryParameters
            guard let name = parameters["name"].map(String.init) else { return Self.error(.badRequest, "name is required") }
            let key = ObjectKey(.pod, namespace: parameters["namespace"].map(String.init) ?? "default", name: name)
            guard try await target.get(key) != nil else { return Self.error(.notFound, "pods \"\(name)\" not found") }
            let text = (try? String(contentsOfFile: await target.logFile(of: key), encoding: .utf8)) ?? ""
            return Response(
                status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        router.get("/v1/status") { _, _ -> Response in
            let configuration = target.configuration
            let pods = try await target.list(.pod, namespace: nil)
            let ready = pods.filter {
                ($0.value(at: ["status", "conditions"])?.array ?? []).contains {
                    $0["type"]?.string == "Ready" && $0["status"]?.string == "True"
                }
            }
            let listen = await target.mesh.boundListenPort ?? configuration.listenPort
            let admin = await target.mesh.boundAdminPort ?? configuration.adminPort
            return Self.json(
                .object([
                    "listen": .string("http://127.0.0.1:\(listen)"), "admin": .string("http://127.0.0.1:\(admin)"),
                    "subnet": .string(configuration.subnet.description), "bridge": .string(configuration.bridgeName),
                    "dataDirectory": .string(configuration.dataDirectory), "pid": .int(Int(getpid())),
                    "pods": .int(pods.count), "readyPods": .int(ready.count),
                    "events": .array(await target.events.map(ManifestValue.string)),
                ]))
        }
        router.get("/v1/watch") { _, _ -> Response in
            // Newline-delimited JSON, one change per line, after a first BOOKMARK line that says the watch is in place.
            let events = await target.watch()
            return Response(
                status: .ok, headers: [.contentType: "application/x-ndjson"],
                body: ResponseBody { writer in
                    try await writer.write(ByteBuffer(string: "{\"type\":\"BOOKMARK\"}\n"))
                    // A watch lasts until the client goes or the server shuts down (which would otherwise wait for it for ever).
                    let (relay, relaySink) = AsyncStream.makeStream(of: ObjectEvent.self)
                    let forward = Task {
                        for await event in events { relaySink.yield(event) }
                        relaySink.finish()
                    }
                    defer { forward.cancel() }
                    try await withGracefulShutdownHandler {
                        for await event in relay {
                            let line: ManifestValue = .object([
                                "type": .string(event.change.rawValue), "group": .string(event.key.kind.group),
                                "kind": .string(event.key.kind.kind), "namespace": .string(event.key.namespace),
                                "name": .string(event.key.name), "object": event.object,
                            ])
                            try await writer.write(ByteBuffer(string: line.jsonText + "\n"))
                        }
                    } onGracefulShutdown: {
                        relaySink.finish()
                    }
                    try await writer.finish(nil)
                })
        }
        router.get("/metrics") { _, _ -> Response in
            let text = try await target.prometheusMetrics()
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        router.post("/v1/shutdown") { _, _ -> Response in
            shutdown()
            return Self.json(.object(["stopping": .bool(true)]))
        }
        KubernetesAPIRoutes(backend: target).add(to: router)
        return router
    }

    static func json(_ value: ManifestValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: value.jsonText)))
    }

    static func error(_ status: HTTPResponse.Status, _ message: String) -> Response {
        json(.object(["error": .string(message)]), status: status)
    }
}
