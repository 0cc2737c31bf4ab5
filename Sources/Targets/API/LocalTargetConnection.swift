import AsyncHTTPClient
import Foundation
import Manifests
import NIOCore
import NIOHTTP1
import TargetKit

/// The local target as another process sees it: the `Target` API over the daemon's loopback HTTP API, so the sync
/// engine and the canary controller drive `slipway local up`'s pods and mesh from outside it, as they would drive
/// an API server.
public struct LocalTargetConnection: Target {
    /// `http://127.0.0.1:PORT` of the daemon's API.
    public let baseURL: String

    public init(baseURL: String) {
        self.baseURL = baseURL
    }

    /// The daemon whose data directory is `dataDirectory` (it writes its port to `api.json` once it listens). A daemon
    /// that died without stopping is reported at once, not retried.
    public init(dataDirectory: String) throws(TargetError) {
        guard let record = LocalTargetDaemonRecord.read(dataDirectory) else {
            throw .invalid("the local target is not running (no \(dataDirectory)/api.json; start it with `slipway local up`)")
        }
        guard record.isAlive else {
            throw .invalid(
                "the local target is not running: its daemon (pid \(record.pid)) died without stopping; "
                    + "`slipway local up` or `slipway local down` cleans up after it")
        }
        self.init(baseURL: "http://127.0.0.1:\(record.port)")
    }

    /// One client for every connection: a daemon that is not there is refused at once (the shared client would retry
    /// the connection until the request's deadline).
    public static let http: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(5))
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    public func apply(_ objects: [ManifestValue], fieldManager: String, force: Bool) async throws -> [AppliedObject] {
        let query = Self.query([("manager", fieldManager), ("force", force ? "true" : nil)])
        guard let results = try await send(.POST, "/v1/apply" + query, body: ManifestValue.array(objects).jsonText)?.array else {
            throw TargetError.invalid("the local target answered an apply with something other than a list")
        }
        return results.compactMap { result in
            guard let kind = result["kind"]?.string, let name = result["name"]?.string,
                let outcome = result["outcome"]?.string.flatMap(AppliedObject.Outcome.init(rawValue:))
            else { return nil }
            let key = ObjectKey(
                ObjectKind(group: result["group"]?.string ?? "", kind: kind), namespace: result["namespace"]?.string ?? "default",
                name: name)
            return AppliedObject(key: key, outcome: outcome, warnings: result["warnings"]?.array?.compactMap(\.string) ?? [])
        }
    }

    public func get(_ key: ObjectKey) async throws -> ManifestValue? {
        let path = "/v1/objects" + Self.query([("kind", key.kind.kind), ("namespace", key.namespace), ("name", key.name)])
        return try await send(.GET, path, absentIfNotFound: true)?.array?.first
    }

    public func list(_ kind: ObjectKind, namespace: String?) async throws -> [ManifestValue] {
        try await send(.GET, "/v1/objects" + Self.query([("kind", kind.kind), ("namespace", namespace)]))?.array ?? []
    }

    public func delete(_ key: ObjectKey) async throws -> Bool {
        let path = "/v1/objects" + Self.query([("kind", key.kind.kind), ("namespace", key.namespace), ("name", key.name)])
        return try await send(.DELETE, path, absentIfNotFound: true) != nil
    }

    /// Every later change, read from the daemon's `/v1/watch` stream. Returns once the daemon says the watch is in
    /// place (its first BOOKMARK line), so no change after this call is missed; if it does not answer within 10 s
    /// the stream is returned anyway and keeps trying. A dropped connection is opened again after half a second;
    /// changes in between are not replayed (a consumer that must not miss any re-reads the objects).
    public func watch() async -> AsyncStream<ObjectEvent> {
        let url = baseURL + "/v1/watch"
        let (placed, placedSink) = AsyncStream.makeStream(of: Void.self)
        let stream = AsyncStream<ObjectEvent> { continuation in
            let reader = Task {
                while !Task.isCancelled {
                    do {
                        let response = try await Self.http.execute(HTTPClientRequest(url: url), deadline: .distantFuture)
                        // Bytes, not text, until a line is whole: a chunk may end inside a UTF-8 sequence.
                        var pending: [UInt8] = []
                        for try await chunk in response.body {
                            pending.append(contentsOf: chunk.readableBytesView)
                            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                                let line = Data(pending[..<newline])
                                pending.removeSubrange(...newline)
                                if let event = Self.event(from: line) {
                                    continuation.yield(event)
                                } else if Self.isBookmark(line) {
                                    placedSink.yield()
                                    placedSink.finish()
                                }
                            }
                        }
                    } catch {}
                    try? await Task.sleep(for: .milliseconds(500))
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in reader.cancel() }
        }
        let waiter = Task {
            for await _ in placed { return }
        }
        let timeout = Task {
            try? await Task.sleep(for: .seconds(10))
            placedSink.finish()
        }
        await waiter.value
        timeout.cancel()
        return stream
    }

    static func isBookmark(_ line: Data) -> Bool {
        (try? ManifestValue(json: line))?["type"]?.string == "BOOKMARK"
    }

    /// Request counts and latency per Service subset, as the daemon's `/metrics` reports them.
    public func meshMetrics() async throws -> [SubsetMetrics] {
        var request = HTTPClientRequest(url: baseURL + "/metrics")
        request.method = .GET
        let response = try await execute(request)
        let text = String(buffer: try await response.body.collect(upTo: 64 << 20))
        guard response.status == .ok else {
            throw TargetError.invalid("the local target's /metrics answered \(response.status.code): \(text.prefix(200))")
        }
        return MeshMetricsFormat.subsets(fromIstio: text)
    }

    /// Where the daemon listens, its pid, pods and recent events.
    public func status() async throws -> ManifestValue {
        guard let value = try await send(.GET, "/v1/status") else { throw TargetError.invalid("the local target answered no status") }
        return value
    }

    /// Asks the daemon to stop (it stops its pods and Envoy first). The answer may not arrive: the daemon is leaving.
    public func shutdown() async {
        _ = try? await send(.POST, "/v1/shutdown")
    }

    static func event(from line: Data) -> ObjectEvent? {
        guard let value = try? ManifestValue(json: line), let change = value["type"]?.string.flatMap(ObjectEvent.Change.init(rawValue:)),
            let kind = value["kind"]?.string, let name = value["name"]?.string
        else { return nil }
        let key = ObjectKey(
            ObjectKind(group: value["group"]?.string ?? "", kind: kind), namespace: value["namespace"]?.string ?? "", name: name)
        return ObjectEvent(change: change, key: key, object: value["object"] ?? .null)
    }

    /// Sends a request and answers its JSON; the API's error message becomes a `TargetError`, except that a 404
    /// answers nil when `absentIfNotFound`.
    private func send(_ method: HTTPMethod, _ path: String, body: String? = nil, absentIfNotFound: Bool = false) async throws
        -> ManifestValue?
    {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        if let body {
            request.body = .bytes(ByteBuffer(string: body))
            request.headers.add(name: "Content-Type", value: "application/json")
        }
        let response = try await execute(request)
        let data = Data(try await response.body.collect(upTo: 256 << 20).readableBytesView)
        let value = try? ManifestValue(json: data)
        guard (200..<300).contains(Int(response.status.code)) else {
            let message = value?["error"]?.string ?? String(decoding: data, as: UTF8.self)
            if response.status == .notFound && absentIfNotFound { return nil }
            throw TargetError.invalid(message)
        }
        guard let value else {
            throw TargetError.invalid(
                "the local target answered something that is not JSON: \(String(decoding: data.prefix(200), as: UTF8.self))")
        }
        return value
    }

    private func execute(_ request: HTTPClientRequest) async throws -> HTTPClientResponse {
        do {
            // An apply waits for Envoy to acknowledge the mesh, so the allowance is generous.
            return try await Self.http.execute(request, timeout: .seconds(120))
        } catch {
            throw TargetError.invalid("the local target at \(baseURL) is not reachable (\(error))")
        }
    }

    /// A query string from pairs (nil values left out), escaped for the API's parameters.
    public static func query(_ pairs: [(String, String?)]) -> String {
        let allowed = CharacterSet.urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=+"))
        let parts = pairs.compactMap { key, value in
            value.map { "\(key)=\($0.addingPercentEncoding(withAllowedCharacters: allowed) ?? $0)" }
        }
        return parts.isEmpty ? "" : "?" + parts.joined(separator: "&")
    }
}
