import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import OCI
import OCIRegistry
import Testing

/// Slipway's registry in process, through HummingbirdTesting's router (no socket): the protocol's edges a client meets
/// — the version check, a monolithic blob upload, digest checks that answer 400 (never 500), an unknown manifest, and
/// a chunk that does not start where the upload ends (416).
@Suite struct RegistryRouterTests {
    @Test func theDistributionAPIInProcess() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-router-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let app = Application(router: RegistryServer(storage: try RegistryStorage(root: root)).router())
        try await app.test(.router) { client in
            try await client.execute(uri: "/v2/", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[HTTPField.Name("Docker-Distribution-API-Version")!] == "registry/2.0")
            }
            let blob = ByteBuffer(string: "hello, layer")
            let digest = Digest.sha256(of: Data("hello, layer".utf8)).description
            try await client.execute(uri: "/v2/team/app/blobs/uploads/?digest=\(digest)", method: .post, body: blob) { response in
                #expect(response.status == .created)
                #expect(response.headers[.location] == "/v2/team/app/blobs/\(digest)")
            }
            try await client.execute(uri: "/v2/team/app/blobs/\(digest)", method: .get) { response in
                #expect(response.status == .ok && String(buffer: response.body) == "hello, layer")
            }
            try await client.execute(
                uri: "/v2/team/app/blobs/uploads/?digest=sha256:\(String(repeating: "0", count: 64))", method: .post,
                body: blob
            ) { response in
                #expect(response.status == .badRequest, "a body that does not match its digest")
            }
            try await client.execute(uri: "/v2/team/app/manifests/sha256:nothex", method: .get) { response in
                #expect(response.status == .badRequest)
            }
            try await client.execute(uri: "/v2/team/app/manifests/v1", method: .get) { response in
                #expect(response.status == .notFound)
            }
            let location = try await client.execute(uri: "/v2/team/app/blobs/uploads/", method: .post) { response in
                #expect(response.status == .accepted)
                return response.headers[.location] ?? ""
            }
            #expect(!location.isEmpty)
            var headers = HTTPFields()
            headers[.contentRange] = "100-109"
            headers[.contentType] = "application/octet-stream"
            try await client.execute(uri: location, method: .patch, headers: headers, body: ByteBuffer(string: "0123456789")) { response in
                #expect(response.status == .rangeNotSatisfiable)
            }
        }
    }
}
