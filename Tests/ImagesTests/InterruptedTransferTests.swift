import Core
import Foundation
import Images
import OCI
import OCIClient
import Testing

/// Connections that break in the middle of a layer, through `FlakyProxy` in front of docker-registry: a push
/// starts a new upload session and lands; a pull resumes with `Range` and verifies the digest; a pull that keeps
/// breaking fails with the cause and leaves nothing in the store.
@Suite(.serialized) struct InterruptedTransferTests {
    static let layerSize = 12 << 20

    /// A one-layer image of random (incompressible) bytes.
    static func randomImage(in directory: String) throws -> (ImageStore, ImageReference, Descriptor) {
        let root = "\(directory)/rootfs"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        var generator = SystemRandomNumberGenerator()
        var bytes = [UInt8](repeating: 0, count: layerSize)
        for index in stride(from: 0, to: bytes.count, by: 8) {
            withUnsafeBytes(of: generator.next() as UInt64) { random in
                for offset in 0..<8 where index + offset < bytes.count { bytes[index + offset] = random[offset] }
            }
        }
        try Data(bytes).write(to: URL(fileURLWithPath: "\(root)/payload.bin"))
        let store = try ImageStore(root: "\(directory)/store")
        let tag = try ImageReference(parsing: "local/random:1")
        let descriptor = try ImageImporter(store: store).importImage(from: root, tag: tag, sourceDateEpoch: 0)
        return (store, tag, descriptor)
    }

    static func entries(_ path: String) -> [String] { (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] }

    @Test(.timeLimit(.minutes(2))) func aPushCutMidLayerStartsANewUploadAndLands() async throws {
        let directory = try ImageFixtures.temporaryDirectory("cut-push")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let registry = try await DistributionRegistry.start()
        defer { registry.stop() }
        let proxy = try FlakyProxy(upstreamPort: registry.port, direction: .upload, cutAfter: 3 << 20, cuts: 2)
        defer { proxy.stop() }
        let (store, tag, manifest) = try Self.randomImage(in: directory)
        let client = ImageFixtures.client(store: store)
        defer { client.shutdown() }

        let destination = try ImageReference(parsing: "127.0.0.1:\(proxy.port)/team/random:1")
        #expect(try await client.push(tag, from: store, as: destination) == manifest.digest)
        #expect(proxy.cutsMade == 2, "both cuts happened in the middle of the layer upload")

        // Straight from the registry (no proxy): the digest Slipway reported, and the same bytes pulled back.
        let direct = try ImageReference(parsing: "\(registry.host)/team/random:1")
        let inspect = try await ImageFixtures.command("skopeo", ["inspect", "--tls-verify=false", "docker://\(direct)"])
        let object = try JSONSerialization.jsonObject(with: Data(inspect.standardOutput.utf8)) as? [String: Any]
        #expect(object?["Digest"] as? String == manifest.digest.description)
        let other = try ImageStore(root: "\(directory)/pulled")
        let pulled = try await client.pull(direct, into: other)
        let layers = try CanonicalJSON.decode(ImageManifest.self, from: try other.readBlob(pulled.digest), what: "manifest").layers
        #expect(layers.count == 1)
        for layer in layers { #expect(try other.readBlob(layer.digest) == (try store.readBlob(layer.digest))) }
    }

    @Test(.timeLimit(.minutes(2))) func aPullCutMidLayerResumesWhereItStopped() async throws {
        let directory = try ImageFixtures.temporaryDirectory("cut-pull")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let registry = try await DistributionRegistry.start()
        defer { registry.stop() }
        let (store, tag, manifest) = try Self.randomImage(in: directory)
        let client = ImageFixtures.client(store: store)
        defer { client.shutdown() }
        let direct = try ImageReference(parsing: "\(registry.host)/team/random:1")
        _ = try await client.push(tag, from: store, as: direct)

        let proxy = try FlakyProxy(upstreamPort: registry.port, direction: .download, cutAfter: 4 << 20, cuts: 2)
        defer { proxy.stop() }
        let other = try ImageStore(root: "\(directory)/pulled")
        let pulled = try await client.pull(try ImageReference(parsing: "127.0.0.1:\(proxy.port)/team/random:1"), into: other)
        #expect(pulled.digest == manifest.digest)
        #expect(proxy.cutsMade == 2)
        #expect(proxy.sawRangeRequest, "the second attempt asked only for the rest of the layer")
        let layers = try CanonicalJSON.decode(ImageManifest.self, from: try other.readBlob(pulled.digest), what: "manifest").layers
        for layer in layers { #expect(try other.readBlob(layer.digest) == (try store.readBlob(layer.digest))) }
        #expect(Self.entries("\(directory)/pulled/tmp").isEmpty)
    }

    @Test(.timeLimit(.minutes(2))) func aPullThatKeepsBreakingFailsAndLeavesNothing() async throws {
        let directory = try ImageFixtures.temporaryDirectory("cut-always")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let registry = try await DistributionRegistry.start()
        defer { registry.stop() }
        let (store, tag, _) = try Self.randomImage(in: directory)
        let client = ImageFixtures.client(store: store)
        defer { client.shutdown() }
        _ = try await client.push(tag, from: store, as: try ImageReference(parsing: "\(registry.host)/team/random:1"))

        let proxy = try FlakyProxy(upstreamPort: registry.port, direction: .download, cutAfter: 1 << 20, cuts: 1000)
        defer { proxy.stop() }
        let other = try ImageStore(root: "\(directory)/pulled")
        let reference = try ImageReference(parsing: "127.0.0.1:\(proxy.port)/team/random:1")
        do {
            _ = try await client.pull(reference, into: other)
            Issue.record("a pull whose connection always breaks succeeded")
        } catch let error as ImageError {
            #expect(error.isTransient, "\(error)")
            #expect(error.description.contains("GET blob"), "the failure names the request: \(error)")
        }
        #expect(proxy.cutsMade >= 4, "the first attempt and every retry were cut")
        #expect(try other.resolve(reference) == nil, "no image is named")
        #expect(Self.entries("\(directory)/pulled/tmp").isEmpty, "no partial blob is left behind")
        let layerBlobs = Self.entries("\(directory)/pulled/blobs/sha256").filter { name in
            ((try? FileManager.default.attributesOfItem(atPath: "\(directory)/pulled/blobs/sha256/\(name)")[.size] as? Int) ?? 0) > 1 << 20
        }
        #expect(layerBlobs.isEmpty, "the layer never entered the store")
    }
}
