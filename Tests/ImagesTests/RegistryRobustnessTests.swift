import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import OCI
import OCIRegistry
import SlipwayTesting
import Testing

/// What a registry a team exposes must refuse or clean up: manifests that are not manifests, deletes that would
/// leave a manifest pointing at nothing, abandoned uploads, chunks whose range lies about their body, and concurrent
/// chunks to one session.
@Suite struct RegistryRobustnessTests {
    struct World {
        let root: String
        let app: Application<RouterResponder<BasicRequestContext>>

        init(uploadExpiry: TimeInterval = 3600) throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-robust-\(UUID().uuidString.prefix(8))").path
            app = Application(router: RegistryServer(storage: try RegistryStorage(root: root), uploadExpiry: uploadExpiry).router())
        }
    }

    static func push(_ client: some TestClientProtocol, _ text: String) async throws -> String {
        let digest = Digest.sha256(of: Data(text.utf8)).description
        try await client.execute(uri: "/v2/team/app/blobs/uploads/?digest=\(digest)", method: .post, body: ByteBuffer(string: text)) {
            #expect($0.status == .created)
        }
        return digest
    }

    static func manifest(config: String, layers: [String]) -> String {
        let descriptors = layers.map { "{\"mediaType\":\"\(MediaType.ociLayer)\",\"digest\":\"\($0)\",\"size\":1}" }
        return """
            {"schemaVersion":2,"mediaType":"\(MediaType.ociManifest)","config":{"mediaType":"\(MediaType.ociConfig)","digest":"\(config)",\
            "size":2},"layers":[\(descriptors.joined(separator: ","))]}
            """
    }

    @Test(arguments: [
        ("{}", "schemaVersion: expected 2"),
        ("{\"schemaVersion\":1}", "schemaVersion: expected 2"),
        ("[1]", "$: expected a JSON object"),
        (
            "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"a\",\"digest\":\"sha256:\(String(repeating: "a", count: 64))\",\"size\":1},\"layers\":\"nope\"}",
            "layers: expected an array"
        ),
        ("{\"schemaVersion\":2,\"mediaType\":\"text/html\",\"layers\":[]}", "mediaType: 'text/html' is not a manifest type"),
        (
            "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"a\",\"digest\":\"sha256:\(String(repeating: "a", count: 64))\",\"size\":-1},\"layers\":[]}",
            "config.size: expected a non-negative whole number"
        ),
        ("{\"schemaVersion\":true}", "schemaVersion: expected 2"),
    ])
    func manifestsThatAreNotManifestsAreRefused(_ body: String, _ expected: String) async throws {
        let world = try World()
        defer { try? FileManager.default.removeItem(atPath: world.root) }
        try await world.app.test(.router) { client in
            var headers = HTTPFields()
            headers[.contentType] = body.contains("text/html") ? "text/html" : MediaType.ociManifest
            try await client.execute(uri: "/v2/team/app/manifests/v1", method: .put, headers: headers, body: ByteBuffer(string: body)) {
                response in
                #expect(response.status == .badRequest)
                let text = String(buffer: response.body)
                #expect(text.contains("MANIFEST_INVALID") && text.contains(expected), "\(text)")
            }
            try await client.execute(uri: "/v2/team/app/manifests/v1", method: .get) { #expect($0.status == .notFound) }
        }
    }

    @Test func aBlobAManifestUsesCannotBeDeletedAndADeletedBlobLeavesTheDisk() async throws {
        let world = try World()
        defer { try? FileManager.default.removeItem(atPath: world.root) }
        try await world.app.test(.router) { client in
            let config = try await Self.push(client, "{}")
            let layer = try await Self.push(client, "layer")
            let spare = try await Self.push(client, "spare")
            var headers = HTTPFields()
            headers[.contentType] = MediaType.ociManifest
            let manifest = Self.manifest(config: config, layers: [layer])
            try await client.execute(uri: "/v2/team/app/manifests/v1", method: .put, headers: headers, body: ByteBuffer(string: manifest)) {
                #expect($0.status == .created, "\(String(buffer: $0.body))")
            }
            try await client.execute(uri: "/v2/team/app/blobs/\(layer)", method: .delete) { response in
                #expect(response.status == .conflict && String(buffer: response.body).contains("referenced by manifest"))
            }
            try await client.execute(uri: "/v2/team/app/blobs/\(layer)", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/v2/team/app/blobs/\(spare)", method: .delete) { #expect($0.status == .accepted) }
            let hex = String(spare.dropFirst("sha256:".count))
            #expect(!FileManager.default.fileExists(atPath: "\(world.root)/blobs/sha256/\(hex)"), "no repository links it: its data goes")
            let manifestDigest = Digest.sha256(of: Data(manifest.utf8))
            try await client.execute(uri: "/v2/team/app/manifests/\(manifestDigest)", method: .delete) { #expect($0.status == .accepted) }
            try await client.execute(uri: "/v2/team/app/blobs/\(layer)", method: .delete) { #expect($0.status == .accepted) }
        }
    }

    @Test func abandonedUploadsExpireWithTheirData() async throws {
        let world = try World(uploadExpiry: 60)
        defer { try? FileManager.default.removeItem(atPath: world.root) }
        try await world.app.test(.router) { client in
            let old = try await client.execute(uri: "/v2/team/app/blobs/uploads/", method: .post) { $0.headers[.location] ?? "" }
            try await client.execute(uri: old, method: .patch, body: ByteBuffer(string: "partial")) { #expect($0.status == .accepted) }
            let id = String(old.split(separator: "/").last ?? "")
            let file = "\(world.root)/uploads/\(id)"
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -120)], ofItemAtPath: file)
            try await client.execute(uri: old, method: .get) { #expect($0.status == .notFound, "an expired session is over") }
            #expect(!FileManager.default.fileExists(atPath: file))
            // Sessions nobody comes back to are removed when the next upload starts.
            let abandoned = try await client.execute(uri: "/v2/team/app/blobs/uploads/", method: .post) { $0.headers[.location] ?? "" }
            let abandonedFile = "\(world.root)/uploads/\(abandoned.split(separator: "/").last ?? "")"
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -120)], ofItemAtPath: abandonedFile)
            _ = try await client.execute(uri: "/v2/team/app/blobs/uploads/", method: .post) { $0.status }
            #expect(!FileManager.default.fileExists(atPath: abandonedFile))
        }
    }

    @Test func aChunkWhoseRangeDoesNotMatchItsBodyIsRefusedWhole() async throws {
        let world = try World()
        defer { try? FileManager.default.removeItem(atPath: world.root) }
        try await world.app.test(.router) { client in
            let location = try await client.execute(uri: "/v2/team/app/blobs/uploads/", method: .post) { $0.headers[.location] ?? "" }
            var headers = HTTPFields()
            headers[.contentRange] = "0-99"
            try await client.execute(uri: location, method: .patch, headers: headers, body: ByteBuffer(string: "0123456789")) { response in
                #expect(response.status == .rangeNotSatisfiable && String(buffer: response.body).contains("announces 100 bytes"))
            }
            try await client.execute(uri: location, method: .get) { response in
                #expect(response.headers[.range] == "0-0", "nothing of the refused chunk was kept")
            }
        }
    }

    /// Ten clients PATCH one session at once (100,000 bytes each): every byte is kept, each chunk whole.
    @Test func concurrentChunksToOneSessionAreSerialised() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-patch-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let server = RegistryServer(storage: try RegistryStorage(root: root))
        let app = Application(router: server.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let location = try await client.execute(uri: "/v2/team/app/blobs/uploads/", method: .post) { $0.headers[.location] ?? "" }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<10 {
                    group.addTask {
                        let chunk = String(repeating: Character(String(index)), count: 100_000)
                        try await client.execute(uri: location, method: .patch, body: ByteBuffer(string: chunk)) {
                            #expect($0.status == .accepted)
                        }
                    }
                }
                try await group.waitForAll()
            }
            let id = String(location.split(separator: "/").last ?? "")
            let data = try Data(contentsOf: URL(fileURLWithPath: "\(root)/uploads/\(id)"))
            #expect(data.count == 1_000_000)
            // Each chunk is one run of its digit: no interleaving.
            var runs = 0
            var previous: UInt8 = 0
            for byte in data where byte != previous {
                runs += 1
                previous = byte
            }
            #expect(runs == 10, "\(runs) runs")
        }
    }
}
