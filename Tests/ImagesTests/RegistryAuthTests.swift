import Core
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import OCI
import OCIClient
import Testing

@testable import OCIRegistry

/// Slipway's registry with users: htpasswd (bcrypt) and the bearer-token flow clients speak, anonymous pulls only
/// when asked for, and nothing about what exists said to whoever cannot sign in.
@Suite struct RegistryAuthTests {
    static func users() async throws -> [String: String] {
        let made = try await ImageFixtures.command("htpasswd", ["-nbB", "-C", "5", "ci", "ci-secret"])
        try #require(made.succeeded, "htpasswd is missing (scripts/setup installs apache2-utils)")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("htpasswd-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try made.standardOutput.write(toFile: path, atomically: true, encoding: .utf8)
        return try RegistryAccess.users(htpasswd: path)
    }

    static func basic(_ user: String, _ password: String) -> HTTPFields {
        var fields = HTTPFields()
        fields[.authorization] = "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
        return fields
    }

    static func bearer(_ token: String) -> HTTPFields {
        var fields = HTTPFields()
        fields[.authorization] = "Bearer \(token)"
        return fields
    }

    @Test func withoutAnonymousAccessNothingIsSaidToStrangers() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-auth-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let access = RegistryAccess(users: try await Self.users(), anonymous: .none)
        let app = Application(router: RegistryServer(storage: try RegistryStorage(root: root), access: access).router())
        try await app.test(.router) { client in
            try await client.execute(uri: "/v2/", method: .get) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Bearer realm=\"http://") == true)
                #expect(response.headers[.wwwAuthenticate]?.contains("/token\",service=\"slipway-registry\"") == true)
            }
            // The same answer whether the repository exists or not.
            try await client.execute(uri: "/v2/team/app/manifests/v1", method: .get) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.wwwAuthenticate]?.contains("scope=\"repository:team/app:pull\"") == true)
            }
            try await client.execute(uri: "/v2/_catalog", method: .get) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/v2/team/app/manifests/v1", method: .get, headers: Self.basic("ci", "wrong")) {
                #expect($0.status == .unauthorized)
            }
            try await client.execute(uri: "/v2/team/app/manifests/v1", method: .get, headers: Self.basic("nobody", "ci-secret")) {
                #expect($0.status == .unauthorized)
            }
            try await client.execute(uri: "/v2/team/app/manifests/v1", method: .get, headers: Self.basic("ci", "ci-secret")) {
                #expect($0.status == .notFound, "signed in: the registry answers")
            }
            try await client.execute(uri: "/token?service=slipway-registry&scope=repository:team/app:pull", method: .get) {
                #expect($0.status == .unauthorized, "no token for strangers")
            }
        }
    }

    @Test func tokensCarryExactlyTheirScopes() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-auth-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let access = RegistryAccess(users: try await Self.users(), anonymous: .pull)
        let app = Application(router: RegistryServer(storage: try RegistryStorage(root: root), access: access).router())
        try await app.test(.router) { client in
            func token(_ scope: String, _ headers: HTTPFields = [:]) async throws -> String {
                try await client.execute(uri: "/token?service=slipway-registry&scope=\(scope)", method: .get, headers: headers) {
                    response in
                    #expect(response.status == .ok)
                    let object = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
                    return object?["token"] as? String ?? ""
                }
            }
            // Anonymous pulls are allowed, pushes are not, with or without an anonymous token.
            try await client.execute(uri: "/v2/team/app/tags/list", method: .get) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/v2/team/app/blobs/uploads/", method: .post) { #expect($0.status == .unauthorized) }
            let anonymous = try await token("repository:team/app:pull,push")
            try await client.execute(uri: "/v2/team/app/blobs/uploads/", method: .post, headers: Self.bearer(anonymous)) {
                #expect($0.status == .unauthorized, "an anonymous token is not granted push")
            }
            let push = try await token("repository:team/app:pull,push", Self.basic("ci", "ci-secret"))
            try await client.execute(uri: "/v2/team/app/blobs/uploads/", method: .post, headers: Self.bearer(push)) {
                #expect($0.status == .accepted)
            }
            try await client.execute(uri: "/v2/team/other/blobs/uploads/", method: .post, headers: Self.bearer(push)) {
                #expect($0.status == .unauthorized, "the token names one repository")
            }
            var tampered = push
            tampered.replaceSubrange(tampered.startIndex..<tampered.index(after: tampered.startIndex), with: "x")
            try await client.execute(uri: "/v2/team/app/blobs/uploads/", method: .post, headers: Self.bearer(tampered)) {
                #expect($0.status == .unauthorized)
            }
        }
    }

    @Test func anExpiredTokenIsRefused() {
        let access = RegistryAccess(anonymous: .none, tokenLifetime: 60)
        let token = access.issue(subject: "ci", grants: ["repository:a:pull"], now: Date(timeIntervalSinceNow: -120))
        #expect(access.identify("Bearer \(token)") == nil)
        #expect(access.identify("Bearer \(access.issue(subject: "ci", grants: ["repository:a:pull"]))") != nil)
    }

    @Test(.timeLimit(.minutes(2))) func clientsPushThroughTheTokenFlow() async throws {
        let directory = try ImageFixtures.temporaryDirectory("authserve")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (store, tag, manifest) = try await RegistryTests.builtImage(in: directory)
        let access = RegistryAccess(users: try await Self.users(), anonymous: .none)
        let (port, serving) = try await ImageFixtures.serve(
            RegistryServer(storage: try RegistryStorage(root: "\(directory)/registry"), access: access))
        defer { serving.cancel() }
        let destination = try ImageReference(parsing: "127.0.0.1:\(port)/team/app:v1")
        let anonymous = ImageFixtures.client(store: store)
        defer { anonymous.shutdown() }
        await #expect(throws: (any Error).self) { try await anonymous.push(tag, from: store, as: destination) }
        let client = ImageFixtures.client(store: store, credentials: ["127.0.0.1:\(port)": .init(username: "ci", password: "ci-secret")])
        defer { client.shutdown() }
        #expect(try await client.push(tag, from: store, as: destination) == manifest.digest)
        #expect(try await RegistryTests().skopeoDigest(destination.description, creds: "ci:ci-secret") == manifest.digest.description)
        await #expect(throws: (any Error).self) { try await anonymous.pull(destination, into: try ImageStore(root: "\(directory)/p")) }
    }
}
