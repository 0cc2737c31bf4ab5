import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KubernetesClient
import Manifests
import NIOCore
import SlipwayTesting
import Synchronization
import TargetKit
import Testing

/// What the Kubernetes target does with answers only a real API server gives — the local target has no RBAC, no
/// admission webhooks and no compaction — replayed from the API server's documented responses: an RBAC denial, a
/// webhook that refuses one object of an apply (nothing is applied), and a watch whose version expired (the target
/// lists again and reports what changed meanwhile).
struct RecordedServerTests {
    static let discovery =
        #"{"kind":"APIResourceList","groupVersion":"v1","resources":[{"name":"configmaps","namespaced":true,"kind":"ConfigMap","verbs":["create","delete","get","list","patch","update","watch"]}]}"#

    static func configMap(_ name: String, version: String) -> String {
        #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"\#(name)","namespace":"default","resourceVersion":"\#(version)"},"data":{"n":"1"}}"#
    }

    /// Every request the fake server answered, as `METHOD path?query`.
    final class Requests: Sendable {
        private let lines = Mutex<[String]>([])
        func append(_ line: String) { lines.withLock { $0.append(line) } }
        var all: [String] { lines.withLock { $0 } }
    }

    typealias Handler = @Sendable (Request, String) async throws -> Response

    /// A fake API server: discovery, plus `handle` for everything under the ConfigMaps; every request is recorded.
    func withServer(
        _ handle: @escaping Handler,
        _ body: @escaping @Sendable (KubernetesTarget, Requests) async throws -> Void
    ) async throws {
        let requests = Requests()
        let router = Router()
        router.get("/apis") { _, _ in #"{"kind":"APIGroupList","groups":[]}"# }
        router.get("/api/v1") { _, _ in Self.discovery }
        for method in [HTTPRequest.Method.get, .patch, .delete] {
            router.on("/api/v1/**", method: method) { request, _ in
                let line = "\(request.method) \(request.uri.path)?\(request.uri.query ?? "")"
                requests.append(line)
                return try await handle(request, line)
            }
        }
        try await Application(router: router).test(.live) { client in
            let port = try #require(client.port)
            let target = KubernetesTarget(
                connection: try KubernetesConnection(credentials: ClusterCredentials(server: "http://127.0.0.1:\(port)")),
                watchedKinds: [.configMap])
            do {
                try await body(target, requests)
            } catch {
                await target.connection.shutdown()
                throw error
            }
            await target.connection.shutdown()
        }
    }

    static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    @Test func anRBACDenialIsAnErrorNamingWhatWasDenied() async throws {
        let denial =
            #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"configmaps \"settings\" is forbidden: User \"system:serviceaccount:ci:deployer\" cannot patch resource \"configmaps\" in API group \"\" in the namespace \"default\"","reason":"Forbidden","details":{"name":"settings","kind":"configmaps"},"code":403}"#
        let handler: Handler = { _, _ in Self.json(denial, status: .forbidden) }
        try await withServer(handler) { target, _ in
            do {
                _ = try await target.apply(
                    [try ManifestValue(json: Data(Self.configMap("settings", version: "1").utf8))], fieldManager: "slipway-sync",
                    force: true)
                Issue.record("a denied apply succeeds")
            } catch {
                #expect("\(error)".contains("cannot patch resource \"configmaps\""), "\(error)")
            }
        }
    }

    @Test func aWebhookRefusingOneObjectLeavesTheWholeApplyUndone() async throws {
        let refusal =
            #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"admission webhook \"policy.example.com\" denied the request: data.n must not be 1","reason":"BadRequest","code":400}"#
        let handler: Handler = { request, line in
            if line.contains("/b?"), line.contains("dryRun=All") { return Self.json(refusal, status: .badRequest) }
            if request.method == .get { return Self.json("{}", status: .notFound) }
            return Self.json(Self.configMap("a", version: "2"), status: .created)
        }
        try await withServer(handler) { target, requests in
            let objects = try ["a", "b"].map { try ManifestValue(json: Data(Self.configMap($0, version: "1").utf8)) }
            do {
                _ = try await target.apply(objects, fieldManager: "slipway-sync", force: true)
                Issue.record("a refused apply succeeds")
            } catch {
                #expect("\(error)".contains("denied the request: data.n must not be 1"), "\(error)")
            }
            let writes = requests.all.filter { $0.hasPrefix("PATCH") && !$0.contains("dryRun=All") }
            #expect(writes.isEmpty, "nothing was applied for real: \(writes)")
        }
    }

    @Test func aWatchWhoseVersionExpiredListsAgainAndReportsWhatChanged() async throws {
        let lists = Mutex(0)
        let handler: Handler = { request, _ in
            if request.uri.queryParameters["watch"] == "true" {
                // The version the target resumes from is older than the server keeps.
                if request.uri.queryParameters["resourceVersion"] == "5" {
                    return Self.json(
                        #"{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","status":"Failure","message":"too old resource version: 5 (9)","reason":"Expired","code":410}}"#
                            + "\n")
                }
                return Response(
                    status: .ok, headers: [.contentType: "application/json"],
                    body: ResponseBody { writer in
                        // An open watch with nothing new: the test ends it.
                        try await Task.sleep(for: .seconds(30))
                        try await writer.finish(nil)
                    })
            }
            let round = lists.withLock {
                $0 += 1
                return $0
            }
            // First list: a and b; after the expiry: a changed, b gone, c new.
            let items =
                round == 1
                ? [Self.configMap("a", version: "3"), Self.configMap("b", version: "4")]
                : [Self.configMap("a", version: "8"), Self.configMap("c", version: "9")]
            return Self.json(
                #"{"kind":"ConfigMapList","apiVersion":"v1","metadata":{"resourceVersion":"\#(round == 1 ? 5 : 9)"},"items":[\#(items.joined(separator: ","))]}"#
            )
        }
        try await withServer(handler) { target, _ in
            let events = await target.watch()
            let seen = try await Deadline.within(.seconds(20), "the changes found by the relist") {
                var seen: [String] = []
                for await event in events {
                    seen.append("\(event.change.rawValue) \(event.key.name)")
                    if seen.count == 3 { break }
                }
                return seen
            }
            #expect(seen == ["MODIFIED a", "ADDED c", "DELETED b"], "\(seen)")
        }
    }
}
