import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Store
import Testing

@testable import Server

/// The API's authentication and its projects, users and tokens, in process.
@Suite struct ServerAPITests {
    @Test func anonymousCallersSeeOnlyHealthz() async throws {
        let harness = try ServerHarness()
        defer { harness.remove() }
        try await harness.application().test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
            let uris = [
                "/api/v1/projects", "/api/v1/projects/1", "/api/v1/runs", "/api/v1/runs/1", "/api/v1/deliveries", "/api/v1/users",
                "/api/v1/openapi.json", "/api/v1/applications", "/api/v1/applications/app", "/api/v1/events", "/api/v1/releases",
                "/api/v1/projects/1/secrets",
            ]
            for uri in uris {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .unauthorized, "\(uri)")
                    #expect(String(buffer: response.body) == #"{"message":"401 Unauthorized"}"#)
                }
                // A token that looks right but is not one: the same answer.
                try await client.execute(uri: uri, method: .get, headers: ServerHarness.bearer("slw_" + String(repeating: "0", count: 64)))
                {
                    #expect($0.status == .unauthorized, "\(uri)")
                }
            }
            try await client.execute(uri: "/api/v1/projects", method: .post, body: ByteBuffer(string: #"{"name":"a","repository":"/x"}"#)) {
                #expect($0.status == .unauthorized)
            }
        }
        #expect(try harness.store.projects().isEmpty)
    }

    @Test func theAdminTokenIsPrivateAndStoredOnlyAsAHash() throws {
        let harness = try ServerHarness()
        defer { harness.remove() }
        let attributes = try FileManager.default.attributesOfItem(atPath: harness.server.adminTokenPath)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect(harness.adminToken.hasPrefix("slw_") && harness.adminToken.count == 68)
        let database = harness.databaseBytes()
        #expect(!database.contains(harness.adminToken))
        #expect(database.contains(TokenAuthority.hash(harness.adminToken)))
        // A second start keeps the token.
        let again = try SlipwayServer(dataDirectory: harness.directory).prepare()
        #expect(try again.api.tokens.principal(token: harness.adminToken)?.role == .admin)
    }

    @Test func projectsAreAddedByAdminsAndNeverShowTheirSecret() async throws {
        let harness = try ServerHarness()
        defer { harness.remove() }
        let admin = ServerHarness.bearer(harness.adminToken)
        try await harness.application().test(.router) { client in
            let body = #"{"name":"shop","repository":"/srv/git/shop.git","default_branch":"trunk","webhook_secret":"s3cret-value"}"#
            try await client.execute(uri: "/api/v1/projects", method: .post, headers: admin, body: ByteBuffer(string: body)) { response in
                #expect(response.status == .created)
                let text = String(buffer: response.body)
                #expect(!text.contains("s3cret-value"))
                let object = ServerHarness.json(response.body) as? [String: Any]
                #expect(object?["id"] as? Int == 1)
                #expect(object?["default_branch"] as? String == "trunk")
                #expect(object?["has_webhook_secret"] as? Bool == true)
            }
            try await client.execute(uri: "/api/v1/projects", method: .post, headers: admin, body: ByteBuffer(string: body)) {
                #expect($0.status == .conflict)
            }
            try await client.execute(uri: "/api/v1/projects", method: .post, headers: admin, body: ByteBuffer(string: #"{"name":"x"}"#)) {
                #expect($0.status == .badRequest)
                #expect(String(buffer: $0.body).contains("missing key 'repository'"))
            }
            try await client.execute(uri: "/api/v1/projects/shop", method: .get, headers: admin) { response in
                #expect(response.status == .ok)
                #expect(!String(buffer: response.body).contains("s3cret"))
            }
            try await client.execute(uri: "/api/v1/projects/2", method: .get, headers: admin) { #expect($0.status == .notFound) }
        }
        // Sealed at rest.
        #expect(!harness.databaseBytes().contains("s3cret-value"))
        #expect(harness.databaseBytes().contains("/srv/git/shop.git"), "the check reads what the store wrote")
    }

    @Test func rolesAndScopesLimitTokensAndRevokedTokensStopWorking() async throws {
        let harness = try ServerHarness()
        defer { harness.remove() }
        let admin = ServerHarness.bearer(harness.adminToken)
        try await harness.application().test(.router) { client in
            var viewerId = 0
            try await client.execute(
                uri: "/api/v1/users", method: .post, headers: admin, body: ByteBuffer(string: #"{"name":"vera","role":"viewer"}"#)
            ) { response in
                #expect(response.status == .created)
                viewerId = (ServerHarness.json(response.body) as? [String: Any])?["id"] as? Int ?? 0
            }
            try await client.execute(
                uri: "/api/v1/users", method: .post, headers: admin, body: ByteBuffer(string: #"{"name":"x","role":"king"}"#)
            ) {
                #expect($0.status == .badRequest)
            }
            var token = ""
            var tokenId = 0
            try await client.execute(
                uri: "/api/v1/users/\(viewerId)/tokens", method: .post, headers: admin,
                body: ByteBuffer(string: #"{"name":"ci","scope":"read"}"#)
            ) { response in
                #expect(response.status == .created)
                let object = ServerHarness.json(response.body) as? [String: Any]
                token = object?["token"] as? String ?? ""
                tokenId = object?["id"] as? Int ?? 0
            }
            let viewer = ServerHarness.bearer(token)
            try await client.execute(uri: "/api/v1/projects", method: .get, headers: viewer) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/v1/me", method: .get, headers: viewer) {
                #expect(String(buffer: $0.body) == #"{"name":"vera","role":"viewer","scope":"read"}"#)
            }
            try await client.execute(
                uri: "/api/v1/projects", method: .post, headers: viewer, body: ByteBuffer(string: #"{"name":"a","repository":"/x"}"#)
            ) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/api/v1/users", method: .get, headers: viewer) { #expect($0.status == .forbidden) }
            // Listing tokens never shows a hash or a token.
            try await client.execute(uri: "/api/v1/tokens", method: .get, headers: admin) { response in
                let text = String(buffer: response.body)
                #expect(response.status == .ok)
                #expect(
                    !text.contains(token) && !text.contains(TokenAuthority.hash(token))
                        && !text.contains(TokenAuthority.hash(harness.adminToken)))
                #expect(!text.contains("\"token\""))
            }
            try await client.execute(uri: "/api/v1/tokens/\(tokenId)", method: .delete, headers: admin) { #expect($0.status == .noContent) }
            try await client.execute(uri: "/api/v1/projects", method: .get, headers: viewer) { #expect($0.status == .unauthorized) }
        }
    }
}
