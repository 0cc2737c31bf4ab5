import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KubernetesAPI
import Manifests
import NIOCore
import TargetKit
import Testing

/// The Kubernetes API in process over an object store: the HTTP contract kubectl and client-go rely on — discovery
/// in both forms, Status errors, optimistic locking, paging, watches from a resource version (and 410 when it is too
/// old), selectors that objects leave, tables, patch types per kind, server-side apply's rules and dry runs.
struct KubernetesAPIRouterTests {
    struct Reply {
        var status: Int
        var headers: HTTPFields
        var body: String
        var json: ManifestValue { (try? ManifestValue(json: Data(body.utf8))) ?? .null }
    }

    /// Runs `body` with a client for a fresh API (with the namespace `default`).
    func withAPI(_ body: @escaping @Sendable (Client, StoreBackend) async throws -> Void) async throws {
        let backend = StoreBackend()
        let router = Router()
        KubernetesAPIRoutes(backend: backend, bookmarkInterval: .milliseconds(200)).add(to: router)
        try await Application(router: router).test(.router) { client in try await body(Client(client: client), backend) }
    }

    struct Client {
        let client: any TestClientProtocol

        func send(
            _ method: HTTPRequest.Method, _ uri: String, body: String? = nil, contentType: String = "application/json",
            accept: String? = nil
        )
            async throws -> Reply
        {
            var headers: HTTPFields = [.contentType: contentType, .userAgent: "kubectl.1.32/v1.32.5 (linux/amd64)"]
            if let accept { headers[.accept] = accept }
            return try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }) {
                response in
                Reply(status: Int(response.status.code), headers: response.headers, body: String(buffer: response.body))
            }
        }
    }

    static let configMap = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"settings","labels":{"app":"web"}},"data":{"a":"1"}}"#

    @Test func discoveryAnswersAggregatedOnlyWhenAskedFor() async throws {
        try await withAPI { client, _ in
            let aggregated = try await client.send(
                .get, "/apis", accept: "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json")
            #expect(aggregated.headers[.contentType] == DiscoveryDocuments.aggregatedContentType)
            let groups = aggregated.json["items"]?.array?.compactMap { $0.value(at: ["metadata", "name"])?.string } ?? []
            #expect(groups.contains("apps") && groups.contains("networking.istio.io") && !groups.contains(""), "\(groups)")
            let apps = aggregated.json["items"]?.array?.first { $0.value(at: ["metadata", "name"])?.string == "apps" }
            let deployments = apps?["versions"]?.array?.first?["resources"]?.array?.first { $0["resource"]?.string == "deployments" }
            #expect(deployments?["shortNames"] == .array([.string("deploy")]))
            #expect(
                deployments?["subresources"]?.array?.contains {
                    $0["subresource"]?.string == "scale" && $0.value(at: ["responseKind", "kind"])?.string == "Scale"
                } == true)

            let legacy = try await client.send(.get, "/apis", accept: "application/json")
            #expect(legacy.json["kind"]?.string == "APIGroupList")
            let core = try await client.send(.get, "/api/v1")
            let names = core.json["resources"]?.array?.compactMap { $0["name"]?.string } ?? []
            #expect(names.contains("pods/log") && names.contains("namespaces") && names.contains("services/status"), "\(names)")
            #expect(
                try await client.send(.get, "/apis/networking.istio.io/v1alpha3").json["groupVersion"]?.string
                    == "networking.istio.io/v1alpha3")
            #expect(try await client.send(.get, "/apis/nothing.example.com/v1").status == 404)
            #expect(try await client.send(.get, "/version").json["minor"]?.string == "32")
        }
    }

    @Test func errorsAreStatusObjectsWithTheAPIServersReasons() async throws {
        try await withAPI { client, _ in
            let missing = try await client.send(.get, "/apis/apps/v1/namespaces/default/deployments/web")
            #expect(missing.status == 404)
            #expect(missing.json["kind"]?.string == "Status" && missing.json["reason"]?.string == "NotFound")
            #expect(missing.json["message"]?.string == "deployments.apps \"web\" not found")
            #expect(missing.json.value(at: ["details", "kind"])?.string == "deployments")

            let created = try await client.send(.post, "/api/v1/namespaces/default/configmaps", body: Self.configMap)
            #expect(created.status == 201 && created.json.value(at: ["metadata", "uid"]) != nil, "\(created.body)")
            let again = try await client.send(.post, "/api/v1/namespaces/default/configmaps", body: Self.configMap)
            #expect(again.status == 409 && again.json["reason"]?.string == "AlreadyExists", "\(again.body)")
            let elsewhere = try await client.send(
                .post, "/api/v1/namespaces/nowhere/configmaps",
                body: Self.configMap.replacingOccurrences(of: #""name":"settings","#, with: #""name":"settings","namespace":"default","#))
            #expect(elsewhere.status == 400 && elsewhere.json["message"]?.string?.contains("does not match the namespace") == true)
            let noNamespace = try await client.send(
                .post, "/api/v1/namespaces/nowhere/configmaps",
                body: Self.configMap.replacingOccurrences(of: #""name":"settings","#, with: #""name":"settings","namespace":"nowhere","#))
            #expect(
                noNamespace.status == 404 && noNamespace.json["message"]?.string == "namespaces \"nowhere\" not found",
                "\(noNamespace.body)")
            // A Deployment is no ConfigMap.
            let wrongKind = try await client.send(
                .post, "/api/v1/namespaces/default/configmaps",
                body: #"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"x"}}"#)
            #expect(wrongKind.status == 400)
            // Strategic merge patch is for built-in kinds only.
            let vs = #"{"apiVersion":"networking.istio.io/v1","kind":"VirtualService","metadata":{"name":"vs"},"spec":{"hosts":["a"]}}"#
            #expect(try await client.send(.post, "/apis/networking.istio.io/v1/namespaces/default/virtualservices", body: vs).status == 201)
            let strategic = try await client.send(
                .patch, "/apis/networking.istio.io/v1/namespaces/default/virtualservices/vs", body: "{}",
                contentType: "application/strategic-merge-patch+json")
            #expect(strategic.status == 415 && strategic.json["reason"]?.string == "UnsupportedMediaType", "\(strategic.body)")
            #expect(
                try await client.send(
                    .patch, "/apis/networking.istio.io/v1/namespaces/default/virtualservices/vs", body: "{}", contentType: "text/plain"
                ).status == 415)
            // Endpoints are derived from Services and pods: read-only, and not watched.
            #expect(try await client.send(.post, "/api/v1/namespaces/default/endpoints", body: #"{"metadata":{"name":"x"}}"#).status == 405)
            #expect(try await client.send(.get, "/api/v1/namespaces/default/endpoints?watch=true").status == 405)
            #expect(try await client.send(.get, "/api/v1/namespaces/default/endpoints").json["kind"]?.string == "EndpointsList")
            // Apply needs a field manager; force is for apply only.
            let anonymous = try await client.send(
                .patch, "/api/v1/namespaces/default/configmaps/settings", body: Self.configMap, contentType: "application/apply-patch+yaml")
            #expect(anonymous.status == 422 && anonymous.json["message"]?.string?.contains("fieldManager: Required value") == true)
            let forced = try await client.send(
                .patch, "/api/v1/namespaces/default/configmaps/settings?force=true", body: "{}", contentType: "application/merge-patch+json"
            )
            #expect(forced.status == 422 && forced.json["message"]?.string?.contains("force: Forbidden") == true)
        }
    }

    @Test func updatesAreOptimisticallyLockedAndDryRunsStoreNothing() async throws {
        try await withAPI { client, backend in
            let created = try await client.send(.post, "/api/v1/namespaces/default/configmaps", body: Self.configMap).json
            let version = try #require(created.value(at: ["metadata", "resourceVersion"])?.string)
            var changed = created
            changed.set(.string("2"), at: ["data", "a"])
            let updated = try await client.send(.put, "/api/v1/namespaces/default/configmaps/settings", body: changed.jsonText)
            #expect(updated.status == 200 && updated.json.value(at: ["metadata", "resourceVersion"])?.string != version)
            // The same body again names a version the object has moved past.
            let stale = try await client.send(.put, "/api/v1/namespaces/default/configmaps/settings", body: changed.jsonText)
            #expect(stale.status == 409 && stale.json["reason"]?.string == "Conflict", "\(stale.body)")
            #expect(stale.json["message"]?.string?.contains("the object has been modified") == true)
            // A patch naming an old version is refused too (kubectl diff's precondition).
            let preconditioned = try await client.send(
                .patch, "/api/v1/namespaces/default/configmaps/settings",
                body: #"{"metadata":{"resourceVersion":"\#(version)"},"data":{"a":"3"}}"#,
                contentType: "application/merge-patch+json")
            #expect(preconditioned.status == 409)
            // Dry runs answer with the result and store nothing.
            let dry = try await client.send(
                .patch, "/api/v1/namespaces/default/configmaps/settings?dryRun=All", body: #"{"data":{"a":"dry"}}"#,
                contentType: "application/merge-patch+json")
            #expect(dry.status == 200 && dry.json.value(at: ["data", "a"])?.string == "dry")
            let stored = await backend.store.get(ObjectKey(.configMap, name: "settings"))
            #expect(stored?.value(at: ["data", "a"])?.string == "2")
            let dryCreate = try await client.send(
                .post, "/api/v1/namespaces/default/configmaps?dryRun=All",
                body: Self.configMap.replacingOccurrences(of: "settings", with: "other"))
            let other = await backend.store.get(ObjectKey(.configMap, name: "other"))
            #expect(dryCreate.status == 201 && other == nil)
            // Deletion answers with a Status naming the object's uid.
            let deleted = try await client.send(.delete, "/api/v1/namespaces/default/configmaps/settings")
            #expect(
                deleted.json["status"]?.string == "Success"
                    && deleted.json.value(at: ["details", "uid"]) == created.value(at: ["metadata", "uid"]))
            #expect(try await client.send(.delete, "/api/v1/namespaces/default/configmaps/settings").status == 404)
        }
    }

    @Test func serverSideApplyRecordsManagersAndReportsConflicts() async throws {
        try await withAPI { client, _ in
            let path = "/api/v1/namespaces/default/configmaps/settings"
            let first = try await client.send(
                .patch, path + "?fieldManager=alice", body: Self.configMap, contentType: "application/apply-patch+yaml")
            #expect(first.status == 201, "apply creates: \(first.body)")
            let managers = first.json.value(at: ["metadata", "managedFields"])?.array ?? []
            #expect(managers.first?["manager"]?.string == "alice" && managers.first?["operation"]?.string == "Apply")
            #expect(managers.first?.value(at: ["fieldsV1", "f:data", "f:a"]) == .object([:]), "\(managers)")
            // YAML bodies are accepted for apply.
            let yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: \"2\"\n"
            let conflict = try await client.send(
                .patch, path + "?fieldManager=bob", body: yaml, contentType: "application/apply-patch+yaml")
            #expect(conflict.status == 409 && conflict.json["reason"]?.string == "Conflict", "\(conflict.body)")
            #expect(conflict.json["message"]?.string == "Apply failed with 1 conflict: conflict with \"alice\" using v1: .data.a")
            #expect(conflict.json.value(at: ["details", "causes"])?.array?.first?["reason"]?.string == "FieldManagerConflict")
            let forced = try await client.send(
                .patch, path + "?fieldManager=bob&force=true", body: yaml, contentType: "application/apply-patch+yaml")
            #expect(forced.status == 200 && forced.json.value(at: ["data", "a"])?.string == "2")
            // A non-apply write records an Update under the User-Agent's program name.
            let merged = try await client.send(.patch, path, body: #"{"data":{"b":"x"}}"#, contentType: "application/merge-patch+json")
            let updates = merged.json.value(at: ["metadata", "managedFields"])?.array?.filter { $0["operation"]?.string == "Update" } ?? []
            #expect(updates.map { $0["manager"]?.string } == ["kubectl.1.32"], "\(merged.body)")
        }
    }

    @Test func listsPageAndSelectAndTablesHaveTheKindsColumns() async throws {
        try await withAPI { client, _ in
            for index in 0..<5 {
                let body = Self.configMap.replacingOccurrences(of: "settings", with: "c\(index)").replacingOccurrences(
                    of: "\"web\"", with: index % 2 == 0 ? "\"web\"" : "\"db\"")
                #expect(try await client.send(.post, "/api/v1/namespaces/default/configmaps", body: body).status == 201)
            }
            let page = try await client.send(.get, "/api/v1/namespaces/default/configmaps?limit=2").json
            #expect(page["items"]?.array?.count == 2 && page["kind"]?.string == "ConfigMapList")
            let token = try #require(page.value(at: ["metadata", "continue"])?.string)
            let rest = try await client.send(.get, "/api/v1/namespaces/default/configmaps?limit=10&continue=\(token)").json
            #expect(rest["items"]?.array?.compactMap { $0.value(at: ["metadata", "name"])?.string } == ["c2", "c3", "c4"])
            #expect(rest.value(at: ["metadata", "continue"]) == nil)
            #expect(try await client.send(.get, "/api/v1/namespaces/default/configmaps?continue=garbage").status == 400)
            let selected = try await client.send(.get, "/api/v1/configmaps?labelSelector=app%3Dweb").json
            #expect(selected["items"]?.array?.count == 3)
            let byName = try await client.send(.get, "/api/v1/configmaps?fieldSelector=metadata.name%3Dc1").json
            #expect(byName["items"]?.array?.count == 1)
            let table = try await client.send(
                .get, "/api/v1/namespaces/default/configmaps", accept: "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"
            ).json
            #expect(table["kind"]?.string == "Table")
            #expect(table["columnDefinitions"]?.array?.compactMap { $0["name"]?.string } == ["Name", "Data", "Age"])
            #expect(table["rows"]?.array?.first?["cells"]?.array?.prefix(2) == [.string("c0"), .int(1)])
            #expect(table["rows"]?.array?.first?.value(at: ["object", "kind"])?.string == "PartialObjectMetadata")
        }
    }

    @Test func watchesReplayFromAVersionFollowSelectorsAndExpire() async throws {
        try await withAPI { client, _ in
            let created = try await client.send(.post, "/api/v1/namespaces/default/configmaps", body: Self.configMap).json
            let version = try #require(created.value(at: ["metadata", "resourceVersion"])?.string)
            _ = try await client.send(
                .patch, "/api/v1/namespaces/default/configmaps/settings", body: #"{"data":{"a":"2"}}"#,
                contentType: "application/merge-patch+json")
            // The object leaves the selection: a watch on app=web sees it as deleted.
            _ = try await client.send(
                .patch, "/api/v1/namespaces/default/configmaps/settings", body: #"{"metadata":{"labels":{"app":"db"}}}"#,
                contentType: "application/merge-patch+json")
            _ = try await client.send(.delete, "/api/v1/namespaces/default/configmaps/settings")

            func events(_ query: String) async throws -> [ManifestValue] {
                let reply = try await client.send(.get, "/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=1&" + query)
                return reply.body.split(separator: "\n").compactMap { try? ManifestValue(json: Data($0.utf8)) }
            }
            let all = try await events("resourceVersion=\(version)")
            #expect(all.compactMap { $0["type"]?.string } == ["MODIFIED", "MODIFIED", "DELETED"], "\(all)")
            let selected = try await events("resourceVersion=\(version)&labelSelector=app%3Dweb")
            #expect(selected.compactMap { $0["type"]?.string } == ["MODIFIED", "DELETED"], "\(selected)")
            // From 0: what exists now, as ADDED (nothing here), then bookmarks when asked for.
            let bookmarks = try await events("resourceVersion=0&allowWatchBookmarks=true")
            #expect(bookmarks.allSatisfy { $0["type"]?.string == "BOOKMARK" } && !bookmarks.isEmpty, "\(bookmarks)")
            #expect(bookmarks.first?.value(at: ["object", "metadata", "resourceVersion"]) != nil)
            // Tables in a watch: columns in the first event only.
            _ = try await client.send(.post, "/api/v1/namespaces/default/configmaps", body: Self.configMap)
            let tableReply = try await client.send(
                .get, "/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=1",
                accept: "application/json;as=Table;v=v1;g=meta.k8s.io")
            let tableEvent = try ManifestValue(json: Data(try #require(tableReply.body.split(separator: "\n").first).utf8))
            #expect(tableEvent["type"]?.string == "ADDED" && tableEvent.value(at: ["object", "kind"])?.string == "Table")
        }
    }

    @Test func aWatchFromAVersionTheStoreNoLongerKeepsEndsWith410() async throws {
        try await withAPI { client, backend in
            // More changes than the store keeps.
            for index in 0..<5000 {
                await backend.store.put(
                    .object(["apiVersion": .string("v1"), "kind": .string("ConfigMap"), "data": .object(["n": .int(index)])]),
                    key: ObjectKey(.configMap, name: "churn"), manager: "test")
            }
            let reply = try await client.send(.get, "/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=2&timeoutSeconds=1")
            let event = try ManifestValue(json: Data(try #require(reply.body.split(separator: "\n").first).utf8))
            #expect(event["type"]?.string == "ERROR" && event.value(at: ["object", "code"])?.int == 410, "\(reply.body.prefix(300))")
            #expect(event.value(at: ["object", "reason"])?.string == "Expired")
        }
    }
}
