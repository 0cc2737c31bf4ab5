import AsyncHTTPClient
import Foundation
import Manifests
import NIOCore
import NIOHTTP1
import NIOSSL
import TargetKit

/// One API server as one user: requests with the user's credentials (a token, a token file read each time, a client
/// certificate, or an exec plugin's credential until it expires), TLS trusting the cluster's authority, and
/// discovery of the resources it serves (built-in kinds and CRDs alike).
public actor KubernetesConnection {
    /// Where a kind is served.
    public struct Resource: Sendable, Hashable {
        public var group: String
        public var version: String
        public var name: String
        public var namespaced: Bool
        public var verbs: Set<String>

        public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }

        func path(namespace: String?) -> String {
            let root = group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)"
            if namespaced, let namespace { return "\(root)/namespaces/\(namespace)/\(name)" }
            return "\(root)/\(name)"
        }
    }

    public let credentials: ClusterCredentials
    let client: HTTPClient
    private var execCredential: ExecCredentialPlugin.Credential?
    private var resources: [ObjectKind: Resource]?

    public init(credentials: ClusterCredentials) throws {
        self.credentials = credentials
        var configuration = HTTPClient.Configuration()
        if credentials.server.hasPrefix("https://") {
            configuration.tlsConfiguration = try Self.tls(credentials, exec: nil)
        }
        configuration.timeout = .init(connect: .seconds(10))
        // A watch holds its connection for minutes, one per kind watched: room for them and the requests beside them.
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Closes the connection pool; the connection is unusable afterwards.
    public func shutdown() async { try? await client.shutdown() }

    static func tls(_ credentials: ClusterCredentials, exec: ExecCredentialPlugin.Credential?) throws -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        do {
            if credentials.insecureSkipTLSVerify {
                tls.certificateVerification = .none
            } else if let authority = credentials.certificateAuthority {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(authority))
            }
            if let certificate = exec?.clientCertificate ?? credentials.clientCertificate,
                let key = exec?.clientKey ?? credentials.clientKey
            {
                tls.certificateChain = try NIOSSLCertificate.fromPEMBytes(certificate).map { .certificate($0) }
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: key, format: .pem))
            }
        } catch {
            throw KubernetesClientError.kubeconfig("the cluster's certificates cannot be read: \(error)")
        }
        return tls
    }

    // MARK: Requests

    /// The `Authorization` header's value, if the user has one.
    private func authorization() async throws -> String? {
        if let exec = credentials.exec {
            if let cached = execCredential, cached.expires.map({ $0 > Date().addingTimeInterval(30) }) ?? true {
                return cached.token.map { "Bearer \($0)" }
            }
            let fresh = try await exec.run()
            execCredential = fresh
            return fresh.token.map { "Bearer \($0)" }
        }
        if let file = credentials.tokenFile, let token = try? String(contentsOfFile: file, encoding: .utf8) {
            return "Bearer \(token.trimmingCharacters(in: .whitespacesAndNewlines))"
        }
        return credentials.token.map { "Bearer \($0)" }
    }

    func request(
        _ method: HTTPMethod, _ path: String, query: [String: String] = [:], body: ManifestValue? = nil,
        contentType: String = "application/json", accept: String = "application/json", timeout: TimeAmount = .seconds(60)
    ) async throws -> HTTPClientResponse {
        var components = URLComponents()
        components.queryItems = query.isEmpty ? nil : query.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
        let encodedQuery = components.percentEncodedQuery.map { "?" + $0.replacingOccurrences(of: "+", with: "%2B") } ?? ""
        var request = HTTPClientRequest(url: credentials.server + path + encodedQuery)
        request.method = method
        request.headers.add(name: "Accept", value: accept)
        request.headers.add(name: "User-Agent", value: "slipway")
        if let authorization = try await authorization() { request.headers.add(name: "Authorization", value: authorization) }
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(string: body.jsonText))
        }
        do {
            return try await client.execute(request, timeout: timeout)
        } catch {
            throw KubernetesClientError.transport("\(method) \(path): \(error)")
        }
    }

    /// A request answered with JSON; nil for 404 when `allowNotFound`; any other failure as the server's Status.
    func json(
        _ method: HTTPMethod, _ path: String, query: [String: String] = [:], body: ManifestValue? = nil,
        contentType: String = "application/json", allowNotFound: Bool = false
    ) async throws -> (status: Int, value: ManifestValue)? {
        let response = try await request(method, path, query: query, body: body, contentType: contentType)
        let bytes = try await response.body.collect(upTo: 64 << 20)
        let value = (try? ManifestValue(json: Data(bytes.readableBytesView))) ?? .null
        let code = Int(response.status.code)
        if code == 404 && allowNotFound { return nil }
        guard (200..<300).contains(code) else {
            throw KubernetesClientError.server(
                code: code, reason: value["reason"]?.string ?? response.status.reasonPhrase,
                message: value["message"]?.string ?? String(buffer: bytes).prefix(300).description)
        }
        return (code, value)
    }

    // MARK: Discovery

    /// Every resource the server serves, by kind (the preferred version of each group).
    public func discover(refresh: Bool = false) async throws -> [ObjectKind: Resource] {
        if let resources, !refresh { return resources }
        var found: [ObjectKind: Resource] = [:]
        var groups: [(String, String)] = [("", "v1")]
        if let list = try await json(.GET, "/apis")?.value["groups"]?.array {
            for group in list {
                guard let name = group["name"]?.string, let version = group.value(at: ["preferredVersion", "version"])?.string else {
                    continue
                }
                groups.append((name, version))
            }
        }
        for (group, version) in groups {
            let path = group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)"
            guard let list = try await json(.GET, path, allowNotFound: true)?.value["resources"]?.array else { continue }
            for entry in list {
                guard let name = entry["name"]?.string, !name.contains("/"), let kind = entry["kind"]?.string else { continue }
                found[ObjectKind(group: group, kind: kind)] = Resource(
                    group: group, version: version, name: name, namespaced: entry["namespaced"]?.bool ?? true,
                    verbs: Set((entry["verbs"]?.array ?? []).compactMap(\.string)))
            }
        }
        resources = found
        return found
    }

    /// Where `kind` is served; discovery is refreshed once for a kind it did not list (a CRD created since).
    public func resource(for kind: ObjectKind) async throws -> Resource {
        if let known = try await discover()[kind] { return known }
        if let known = try await discover(refresh: true)[kind] { return known }
        throw TargetError.invalid("the API server serves no kind \(kind.kind) in group \"\(kind.group)\"")
    }
}
