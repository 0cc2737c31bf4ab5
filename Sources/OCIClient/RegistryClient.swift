import AsyncHTTPClient
import CDispatch
import Core
import Foundation
import Glibc
import NIOCore
import NIOHTTP1
import OCI

/// An OCI Distribution client on async-http-client. Blobs stream from and to disk (never whole in memory); auth is
/// anonymous, Basic or Bearer (tokens cached per registry and scope set until shortly before they expire); a blob is
/// HEADed before it is uploaded, mounted from another repository of the same registry when Slipway knows one, and
/// sent in one streamed PUT (or in chunks for large blobs); layers move in parallel; 5xx answers and broken
/// connections are retried with back-off.
public final class RegistryClient: Sendable {
    public struct Configuration: Sendable {
        /// Registries spoken to over plain HTTP (loopback always is).
        public var insecureRegistries: Set<String> = []
        /// `docker.io` → `127.0.0.1:5000`: tried first when pulling, so `FROM golang:…` works offline.
        public var mirrors: [String: String] = [:]
        public var credentials = RegistryCredentials()
        public var parallelTransfers = 4
        public var retries = 3
        /// Blobs above this size are uploaded in chunks of `chunkSize`.
        public var chunkThreshold: Int64 = 512 << 20
        public var chunkSize: Int64 = 64 << 20

        public init() {
            let environment = ProcessInfo.processInfo.environment
            for host in (environment["SLIPWAY_INSECURE_REGISTRIES"] ?? "").split(separator: ",") { insecureRegistries.insert(String(host)) }
            for pair in (environment["SLIPWAY_REGISTRY_MIRRORS"] ?? "").split(separator: ",") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                if parts.count == 2 { mirrors[String(parts[0])] = String(parts[1]) }
            }
        }
    }

    let http: HTTPClient
    let configuration: Configuration
    let tokens = TokenCache()
    let locations: BlobLocations?

    public init(configuration: Configuration = Configuration(), store: ImageStore? = nil) {
        var httpConfiguration = HTTPClient.Configuration()
        httpConfiguration.redirectConfiguration = .disallow
        httpConfiguration.timeout = .init(connect: .seconds(10), read: .seconds(120))
        // A connection that cannot be made fails the request at once (the client's own backoff would retry it until
        // the connect timeout: 43 s for a name that does not resolve); `send` decides what is worth retrying.
        httpConfiguration.connectionPool.retryConnectionEstablishment = false
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: httpConfiguration)
        self.configuration = configuration
        locations = store.map { BlobLocations(path: "\($0.root)/blob-locations.json") }
    }

    public func shutdown() { try? http.syncShutdown() }

    // MARK: URLs

    func base(_ registry: String) -> String {
        let host = registry == ImageReference.dockerHub ? "registry-1.docker.io" : registry
        let name = host.split(separator: ":").first.map(String.init) ?? host
        let plain =
            configuration.insecureRegistries.contains(registry) || name == "localhost" || name == "127.0.0.1" || name == "[::1]"
            || name.hasPrefix("127.")
        return (plain ? "http://" : "https://") + host
    }

    // MARK: Requests with auth and retries

    struct Response {
        var status: UInt
        var headers: HTTPHeaders
        var body: HTTPClientResponse.Body?
        func header(_ name: String) -> String? { headers.first(name: name) }
    }

    enum Body {
        case none
        case data(Data)
        case file(path: String, offset: Int64, length: Int64)
    }

    /// Sends a request, answering auth challenges once; retries 5xx and connection failures.
    func send(
        _ method: HTTPMethod, _ url: String, registry: String, scopes: [String], headers: [(String, String)] = [], body: Body = .none,
        retryable: Bool = true
    ) async throws -> Response {
        var attempt = 0
        while true {
            do {
                let response = try await sendAuthenticated(method, url, registry: registry, scopes: scopes, headers: headers, body: body)
                if response.status >= 500, retryable, attempt < configuration.retries {
                    _ = try? await response.body?.collect(upTo: 1 << 20)
                    attempt += 1
                    try await Task.sleep(for: .milliseconds(250 << attempt))
                    continue
                }
                return response
            } catch let error as ImageError {
                throw error
            } catch {
                if let reason = Self.unreachable(error) {
                    throw ImageError.transport(
                        "\(method) \(url)",
                        "cannot reach \(registry) (\(reason)); offline? pull the image while online, or point at a registry that has "
                            + "it with --registry-mirror \(registry)=MIRROR")
                }
                guard retryable, attempt < configuration.retries, !(error is CancellationError) else {
                    throw ImageError.transport("\(method) \(url)", "\(error)")
                }
                attempt += 1
                try await Task.sleep(for: .milliseconds(250 << attempt))
            }
        }
    }

    /// Why a connection could not be made at all (the name does not resolve, nothing listens, no route), or nil for
    /// failures worth retrying. Read from the description: the error types live in NIOPosix, which this module does
    /// not link.
    static func unreachable(_ error: any Error) -> String? {
        let text = "\(error)"
        if text.contains("UnknownHost") || text.contains("DNS error") || text.contains("Name or service not known") {
            return "its name does not resolve"
        }
        if text.contains("Connection refused") { return "nothing accepts connections there" }
        if text.contains("Network is unreachable") || text.contains("No route to host") { return "no route to it" }
        return nil
    }

    private func sendAuthenticated(
        _ method: HTTPMethod, _ url: String, registry: String, scopes: [String], headers: [(String, String)], body: Body
    ) async throws -> Response {
        let authorization = await tokens.header(registry: registry, scopes: scopes)
        var response = try await raw(method, url, headers: headers + (authorization.map { [("Authorization", $0)] } ?? []), body: body)
        guard response.status == 401, let header = response.header("WWW-Authenticate"), let challenge = AuthChallenge.parse(header) else {
            return response
        }
        _ = try? await response.body?.collect(upTo: 1 << 20)
        guard let fresh = try await authorize(challenge, registry: registry, scopes: scopes) else { return response }
        response = try await raw(method, url, headers: headers + [("Authorization", fresh)], body: body)
        return response
    }

    /// Answers a challenge: Basic uses the stored credential; Bearer asks the realm for a token for the scopes.
    func authorize(_ challenge: AuthChallenge, registry: String, scopes: [String]) async throws -> String? {
        let credential = configuration.credentials.credential(for: registry)
        switch challenge.scheme {
        case "basic":
            guard let credential else { throw ImageError.unauthorized("\(registry) needs a login (slipway registry login \(registry))") }
            await tokens.store(credential.basicHeader, registry: registry, scopes: scopes, expiresIn: 3600)
            return credential.basicHeader
        case "bearer":
            guard let realm = challenge.realm else { return nil }
            let wanted = Array(Set(scopes + challenge.scopes)).sorted()
            var components = URLComponents(string: realm)
            var items = components?.queryItems ?? []
            if let service = challenge.service { items.append(URLQueryItem(name: "service", value: service)) }
            for scope in wanted { items.append(URLQueryItem(name: "scope", value: scope)) }
            if let credential { items.append(URLQueryItem(name: "account", value: credential.username)) }
            components?.queryItems = items
            guard let tokenURL = components?.string else { return nil }
            let response = try await raw(.GET, tokenURL, headers: credential.map { [("Authorization", $0.basicHeader)] } ?? [], body: .none)
            let data = Data.fromBuffer(try await response.body?.collect(upTo: 1 << 20) ?? ByteBuffer())
            guard response.status == 200 else {
                throw ImageError.unauthorized(
                    "token service \(realm) answered HTTP \(response.status): \(String(decoding: data.prefix(300), as: UTF8.self))")
            }
            struct TokenAnswer: Decodable {
                var token: String?
                var accessToken: String?
                var expiresIn: Int?

                enum CodingKeys: String, CodingKey {
                    case token
                    case accessToken = "access_token"
                    case expiresIn = "expires_in"
                }
            }
            let answer = try CanonicalJSON.decode(TokenAnswer.self, from: data, what: "token from \(realm)")
            guard let token = answer.token ?? answer.accessToken else {
                throw ImageError.unauthorized("token service \(realm) returned no token")
            }
            let header = "Bearer \(token)"
            await tokens.store(header, registry: registry, scopes: scopes, expiresIn: answer.expiresIn ?? 60)
            return header
        default:
            return nil
        }
    }

    func raw(_ method: HTTPMethod, _ url: String, headers: [(String, String)], body: Body) async throws -> Response {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        switch body {
        case .none:
            if method == .PUT || method == .POST || method == .PATCH { request.headers.replaceOrAdd(name: "Content-Length", value: "0") }
        case .data(let data):
            request.body = .bytes(ByteBuffer(bytes: data))
        case .file(let path, let offset, let length):
            request.body = .stream(FileChunks(path: path, offset: offset, length: length), length: .known(length))
        }
        let response = try await http.execute(request, timeout: .seconds(3600))
        return Response(status: response.status.code, headers: response.headers, body: response.body)
    }

    /// Reads an error body: `{"errors":[{"code","message"}]}`.
    func failure(_ response: Response, _ request: String) async -> ImageError {
        let data = Data.fromBuffer((try? await response.body?.collect(upTo: 1 << 20)) ?? ByteBuffer())
        struct Errors: Decodable {
            struct Item: Decodable {
                var code: String?
                var message: String?
            }
            var errors: [Item]?
        }
        let parsed = try? JSONDecoder().decode(Errors.self, from: data)
        let first = parsed?.errors?.first
        var message = first?.message ?? String(decoding: data.prefix(300), as: UTF8.self)
        if let warning = response.header("Warning") { message += " (warning: \(warning))" }
        return .registry(
            status: Int(response.status), code: first?.code, message: message.isEmpty ? "(no message)" : message, request: request)
    }

    static func scope(_ repository: String, _ actions: String) -> String { "repository:\(repository):\(actions)" }
}

/// Authorization headers per registry and scope set, until shortly before they expire.
actor TokenCache {
    private var entries: [String: (header: String, expires: ContinuousClock.Instant)] = [:]

    func header(registry: String, scopes: [String]) -> String? {
        if let entry = entries[key(registry, scopes)], entry.expires > .now { return entry.header }
        return nil
    }

    func store(_ header: String, registry: String, scopes: [String], expiresIn: Int) {
        entries[key(registry, scopes)] = (header, .now + .seconds(max(10, expiresIn - 10)))
    }

    private func key(_ registry: String, _ scopes: [String]) -> String { registry + " " + scopes.sorted().joined(separator: " ") }
}

/// Where blobs were last seen in each registry (`registry/repository`), so a push to a new repository can mount them.
actor BlobLocations {
    let path: String
    private var map: [String: [String]]?
    private var dirty = false

    init(path: String) { self.path = path }

    func repositories(of digest: Digest, in registry: String) -> [String] {
        load()
        return (map?[digest.description] ?? []).compactMap { $0.hasPrefix(registry + "/") ? String($0.dropFirst(registry.count + 1)) : nil }
    }

    func record(_ digest: Digest, registry: String, repository: String) {
        load()
        var list = map?[digest.description] ?? []
        let entry = "\(registry)/\(repository)"
        guard !list.contains(entry) else { return }
        list.append(entry)
        if list.count > 8 { list.removeFirst() }
        map?[digest.description] = list
        dirty = true
    }

    /// Writes the map when it changed (without fsync: it is only a hint).
    func save() {
        guard dirty, let map, let data = try? JSONSerialization.data(withJSONObject: map, options: [.sortedKeys]) else { return }
        if (try? AtomicFile.write(data, to: path)) != nil { dirty = false }
    }

    private func load() {
        guard map == nil else { return }
        if let data = FileManager.default.contents(atPath: path),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: [String]]
        {
            map = object
        } else {
            map = [:]
        }
    }
}

extension Data {
    static func fromBuffer(_ buffer: ByteBuffer) -> Data { Data(buffer.readableBytesView) }
}
