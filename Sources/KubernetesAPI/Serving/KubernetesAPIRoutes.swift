import Core
import Foundation
import HTTPTypes
import Hummingbird
import Manifests
import NIOCore
import TargetKit

/// The Kubernetes API over a ``KubernetesBackend``, enough of it for an unmodified kubectl: discovery, OpenAPI v3,
/// reads with selectors, paging and tables, watches, the four patch types and server-side apply, dry runs, deletion,
/// `scale`, `status` and pod logs, and every error as a `Status` object.
public struct KubernetesAPIRoutes<Backend: KubernetesBackend>: Sendable {
    public let backend: Backend
    public let catalog: APIResourceCatalog
    let discovery: DiscoveryDocuments
    let openAPI: OpenAPIDocuments
    let tables: TableConverter
    /// How often a watch that asked for bookmarks gets one.
    let bookmarkInterval: Duration

    public init(backend: Backend, catalog: APIResourceCatalog = APIResourceCatalog(), bookmarkInterval: Duration = .seconds(30)) {
        self.backend = backend
        self.catalog = catalog
        discovery = DiscoveryDocuments(catalog: catalog)
        openAPI = OpenAPIDocuments(catalog: catalog)
        tables = TableConverter()
        self.bookmarkInterval = bookmarkInterval
    }

    /// Adds the API's routes (`/api`, `/apis`, `/version`, `/openapi`) to `router`.
    public func add<Context: RequestContext>(to router: Router<Context>) {
        router.get("/version") { _, _ in Self.json(DiscoveryDocuments.version) }
        router.get("/api") { request, _ in
            if DiscoveryDocuments.wantsAggregated(request.headers[.accept]) {
                return Self.json(discovery.aggregated(core: true), contentType: DiscoveryDocuments.aggregatedContentType)
            }
            return Self.json(discovery.apiVersions(serverAddress: request.head.authority ?? "127.0.0.1"))
        }
        router.get("/apis") { request, _ in
            if DiscoveryDocuments.wantsAggregated(request.headers[.accept]) {
                return Self.json(discovery.aggregated(core: false), contentType: DiscoveryDocuments.aggregatedContentType)
            }
            return Self.json(discovery.groupList())
        }
        router.get("/openapi/v3") { _, _ in Self.json(openAPI.index) }
        router.get("/openapi/v3/**") { request, _ in
            let path = String(request.uri.path.dropFirst("/openapi/v3/".count))
            guard let (document, hash) = openAPI.document(path) else { return Self.failure(.notFound(path: request.uri.path)) }
            if request.headers[.ifNoneMatch] == "\"\(hash)\"" { return Response(status: .notModified) }
            var response = Response(
                status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: document)))
            response.headers[.eTag] = "\"\(hash)\""
            if request.uri.queryParameters["hash"] != nil { response.headers[.cacheControl] = "public, immutable" }
            return response
        }
        router.get("/openapi/v2") { request, _ in Self.failure(.notFound(path: request.uri.path)) }
        for method in [HTTPRequest.Method.get, .post, .put, .patch, .delete] {
            for prefix in ["/api/**", "/apis/**"] {
                router.on(RouterPath(prefix), method: method) { request, context in
                    await handle(request, context: context)
                }
            }
        }
    }

    private func handle<Context: RequestContext>(_ request: Request, context: Context) async -> Response {
        let path = request.uri.path
        let segments = path.split(separator: "/")
        // `/apis/GROUP` (legacy discovery of one group).
        if request.method == .get, segments.count == 2, segments[0] == "apis" {
            guard let group = discovery.group(String(segments[1])) else { return Self.failure(.notFound(path: path)) }
            return Self.json(group)
        }
        guard let target = APIRequestPath.parse(path, catalog: catalog) else { return Self.failure(.notFound(path: path)) }
        do {
            switch (target.target, request.method) {
            case (.groupVersion, .get):
                guard let list = discovery.resourceList(group: target.group, version: target.version) else {
                    return Self.failure(.notFound(path: path))
                }
                return Self.json(list)
            case (.collection(let resource), .get):
                if Self.flag(request, "watch") {
                    guard resource.verbs.contains("watch") else { throw APIStatus.methodNotAllowed(resource, verb: "watch") }
                    return try await watch(request, path: target, resource: resource)
                }
                return try await list(request, path: target, resource: resource)
            case (.collection(let resource), .post):
                return try await create(request, path: target, resource: resource)
            case (.object(let resource, let name), .get):
                return try await get(request, path: target, resource: resource, name: name)
            case (.object(let resource, let name), .put):
                return try await update(request, path: target, resource: resource, name: name)
            case (.object(let resource, let name), .patch):
                return try await patch(request, path: target, resource: resource, name: name)
            case (.object(let resource, let name), .delete):
                return try await delete(request, path: target, resource: resource, name: name)
            case (.subresource(let resource, let name, "log"), .get):
                return try await log(request, path: target, resource: resource, name: name)
            case (.subresource(let resource, let name, "scale"), _):
                return try await scale(request, path: target, resource: resource, name: name)
            case (.subresource(let resource, let name, "status"), _):
                return try await status(request, path: target, resource: resource, name: name)
            default:
                return Self.failure(
                    APIStatus(
                        code: 405, reason: "MethodNotAllowed", message: "the server does not allow this method on the requested resource"))
            }
        } catch let status as APIStatus {
            return Self.failure(status)
        } catch {
            return Self.failure(APIStatus(code: 500, reason: "InternalError", message: "Internal error occurred: \(error)"))
        }
    }

    // MARK: Helpers shared by the handlers

    func key(_ resource: APIResource, namespace: String?, name: String) -> ObjectKey {
        ObjectKey(resource.kind, namespace: namespace ?? "default", name: name)
    }

    /// An object as served at `apiVersion`, with its managed fields.
    func present(_ object: ManifestValue, key: ObjectKey, apiVersion: String) async -> ManifestValue {
        var object = object
        object["apiVersion"] = .string(apiVersion)
        if let managed = await backend.store.managedFields(of: key), managed.array?.isEmpty == false {
            object.set(managed, at: ["metadata", "managedFields"])
        }
        return object
    }

    static func flag(_ request: Request, _ name: String) -> Bool {
        guard let value = request.uri.queryParameters[Substring(name)] else { return false }
        return value == "true" || value == "1"
    }

    static func query(_ request: Request, _ name: String) -> String? {
        request.uri.queryParameters[Substring(name)].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
    }

    static func wantsTable(_ request: Request) -> Bool {
        guard let accept = request.headers[.accept] else { return false }
        return accept.split(separator: ",").first.map { $0.contains("as=Table") } ?? false
    }

    static func json(_ value: ManifestValue, status: HTTPResponse.Status = .ok, contentType: String = "application/json") -> Response {
        Response(status: status, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(string: value.jsonText)))
    }

    static func failure(_ status: APIStatus) -> Response {
        json(status.object, status: HTTPResponse.Status(code: status.code))
    }

    /// Adds `Warning: 299 - "…"` headers, which kubectl prints as `Warning: …`.
    static func warn(_ response: inout Response, _ warnings: [String]) {
        guard let name = HTTPField.Name.warning else { return }
        for warning in warnings {
            let text = warning.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            response.headers.append(HTTPField(name: name, value: "299 - \"\(text)\""))
        }
    }

    /// The field manager of a write: `fieldManager`, or what precedes the first `/` of the User-Agent, as the API
    /// server does.
    static func manager(_ request: Request) throws(APIStatus) -> String {
        if let manager = query(request, "fieldManager") {
            guard manager.count <= 128, manager.allSatisfy({ $0.isASCII && !$0.isNewline && $0 != "\t" }) else {
                throw APIStatus(code: 422, reason: "Invalid", message: "fieldManager: Too long: may not be longer than 128")
            }
            return manager
        }
        let agent = request.headers[.userAgent] ?? "unknown"
        return String(agent.split(separator: "/", maxSplits: 1).first ?? "unknown").prefix(128).description
    }

    static func dryRun(_ request: Request) throws(APIStatus) -> Bool {
        guard let value = query(request, "dryRun") else { return false }
        guard value == "All" else { throw .badRequest("dryRun: Unsupported value: \"\(value)\": supported values: \"All\"") }
        return true
    }

    /// A request's body as an object: JSON, or YAML for apply patches.
    static func body(_ request: Request, yaml: Bool = false) async throws -> ManifestValue {
        let buffer = try await request.body.collect(upTo: 8 << 20)
        let data = Data(buffer.readableBytesView)
        if request.headers[.contentType]?.hasPrefix("application/vnd.kubernetes.protobuf") == true {
            return try ProtobufBody.decode(Array(data))
        }
        if let value = try? ManifestValue(json: data) { return value }
        if yaml || request.headers[.contentType]?.contains("yaml") == true {
            let text = String(decoding: data, as: UTF8.self)
            do {
                let documents = try ManifestYAML.documents(text, file: "request body")
                guard documents.count == 1, let first = documents.first else { throw APIStatus.badRequest("the body must hold one object") }
                return first.value
            } catch let diagnostic as Diagnostic {
                throw APIStatus.badRequest("error decoding YAML: \(diagnostic.description)")
            }
        }
        throw APIStatus.badRequest("the request body is not valid JSON")
    }
}

extension HTTPField.Name {
    /// `Warning` (RFC 9111), a valid token: the optional never is `nil`.
    static let warning = HTTPField.Name("Warning")
}
