import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Store
import Testing

@testable import Server

/// Slipway's registry under `/v2/` on the server's address, signed in to with the API's tokens (a Basic password
/// with any user name, a bearer token, or a registry token from `/token`): viewers pull, developers push, nobody
/// anonymous learns anything.
@Suite struct ServerRegistryTests {
    /// A user with a role and a token of a scope.
    static func token(_ harness: ServerHarness, _ name: String, _ role: Role, _ scope: TokenScope) throws -> (token: String, id: Int64) {
        let user = try harness.store.addUser(UserRow(name: name, role: role.rawValue, createdAt: 0))
        let issued = try TokenAuthority(store: harness.store).issue(userId: try #require(user.id), name: "\(name)-token", scope: scope)
        return (issued.token, try #require(issued.row.id))
    }

    static func basic(_ token: String, user: String = "ci", contentType: String? = nil) -> HTTPFields {
        var fields = HTTPFields()
        fields[.authorization] = "Basic " + Data("\(user):\(token)".utf8).base64EncodedString()
        if let contentType { fields[.contentType] = contentType }
        return fields
    }

    static func digest(_ data: Data) -> String { "sha256:" + SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined() }

    @Test func viewersPullDevelopersPushAndStrangersGetNothing() async throws {
        let harness = try ServerHarness()
        defer { harness.remove() }
        let viewer = try Self.token(harness, "vera", .viewer, .read)
        let developer = try Self.token(harness, "dev", .developer, .write)
        let readOnly = try Self.token(harness, "reader", .developer, .read)
        let config = Data("{}".utf8)
        let manifest = Data(
            #"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"\#(Self.digest(config))","size":2},"layers":[]}"#
                .utf8)
        let manifestHeaders = Self.basic(developer.token, contentType: "application/vnd.oci.image.manifest.v1+json")
        try await harness.application().test(.router) { client in
            // Anonymous: 401 with the token challenge, and nothing about what exists.
            for uri in ["/v2/", "/v2/_catalog", "/v2/app/tags/list"] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .unauthorized, "\(uri)")
                    #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Bearer realm=") == true)
                }
            }
            try await client.execute(uri: "/v2/", method: .get, headers: Self.basic("slw_" + String(repeating: "0", count: 64))) {
                #expect($0.status == .unauthorized, "a token that is no one's")
            }
            try await client.execute(uri: "/v2/", method: .get, headers: Self.basic(viewer.token)) { #expect($0.status == .ok) }
            // A viewer and a read-scoped token cannot push.
            for token in [viewer.token, readOnly.token] {
                try await client.execute(
                    uri: "/v2/app/blobs/uploads/?digest=\(Self.digest(config))", method: .post, headers: Self.basic(token),
                    body: ByteBuffer(bytes: config)
                ) { #expect($0.status == .unauthorized) }
            }
            // A developer pushes: the config blob, then the manifest.
            try await client.execute(
                uri: "/v2/app/blobs/uploads/?digest=\(Self.digest(config))", method: .post, headers: Self.basic(developer.token),
                body: ByteBuffer(bytes: config)
            ) { #expect($0.status == .created, "\(String(buffer: $0.body))") }
            try await client.execute(
                uri: "/v2/app/manifests/1.0", method: .put, headers: manifestHeaders, body: ByteBuffer(bytes: manifest)
            ) {
                #expect($0.status == .created, "\(String(buffer: $0.body))")
            }
            // The viewer pulls it, as Basic or with the API token as a bearer token; deleting needs an admin.
            try await client.execute(uri: "/v2/app/manifests/1.0", method: .get, headers: Self.basic(viewer.token)) {
                #expect($0.status == .ok)
                #expect($0.headers[HTTPField.Name("Docker-Content-Digest")!] == Self.digest(manifest))
            }
            try await client.execute(uri: "/v2/app/tags/list", method: .get, headers: ServerHarness.bearer(viewer.token)) {
                #expect(String(buffer: $0.body).contains(#""1.0""#))
            }
            try await client.execute(uri: "/v2/app/manifests/1.0", method: .delete, headers: Self.basic(developer.token)) {
                #expect($0.status == .unauthorized)
            }
            // The token flow clients use: Basic to /token for the scopes, then the registry's own bearer token.
            var registryToken = ""
            try await client.execute(
                uri: "/token?service=slipway-registry&scope=repository:app:pull,push", method: .get, headers: Self.basic(viewer.token)
            ) {
                response in
                let object = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
                registryToken = object?["token"] as? String ?? ""
            }
            var bearer = HTTPFields()
            bearer[.authorization] = "Bearer \(registryToken)"
            try await client.execute(uri: "/v2/app/manifests/1.0", method: .head, headers: bearer) { #expect($0.status == .ok) }
            try await client.execute(
                uri: "/v2/app/blobs/uploads/?digest=\(Self.digest(config))", method: .post, headers: bearer, body: ByteBuffer(bytes: config)
            ) { #expect($0.status == .unauthorized, "the viewer's registry token holds no push grant") }
            // A revoked token gets 401.
            #expect(try harness.store.revokeToken(viewer.id))
            try await client.execute(uri: "/v2/app/manifests/1.0", method: .get, headers: Self.basic(viewer.token)) {
                #expect($0.status == .unauthorized)
            }
        }
    }
}
