import Core
import Foundation
import Images
import OCI
import OCIClient
import OCIRegistry
import Testing

/// Push and pull against Debian's docker-registry (no auth and htpasswd) and Slipway's own registry server, with
/// skopeo as the reference client.
@Suite(.serialized) struct RegistryTests {
    static func builtImage(in directory: String) async throws -> (ImageStore, ImageReference, Descriptor) {
        let store = try ImageFixtures.storeWithBases(in: directory)
        let context = try ImageFixtures.seedContext(in: directory)
        let tag = try ImageReference(parsing: "local/app:sha-1a2b3c4d")
        let result = try await ImageBuilder(store: store, log: { _ in }).build(
            BuildOptions(context: context, dockerfile: "\(context)/Dockerfile", tags: [tag]))
        return (store, tag, result.manifest)
    }

    func skopeoDigest(_ reference: String, creds: String? = nil) async throws -> String {
        var arguments = ["inspect", "--tls-verify=false"]
        if let creds { arguments += ["--creds", creds] }
        let result = try await ImageFixtures.command("skopeo", arguments + ["docker://\(reference)"])
        #expect(result.succeeded, "\(result.standardError)")
        let object = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any]
        return object?["Digest"] as? String ?? ""
    }

    @Test(.timeLimit(.minutes(2))) func pushPullAgainstDistributionWithoutAuth() async throws {
        let directory = try ImageFixtures.temporaryDirectory("push")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let registry = try await DistributionRegistry.start()
        defer { registry.stop() }
        let (store, tag, manifest) = try await Self.builtImage(in: directory)
        let client = ImageFixtures.client(store: store)
        defer { client.shutdown() }
        let destination = try ImageReference(parsing: "\(registry.host)/team/app:sha-1a2b3c4d")
        let pushed = try await client.push(tag, from: store, as: destination)
        #expect(pushed == manifest.digest)
        #expect(try await skopeoDigest(destination.description) == manifest.digest.description)
        // Extra tags re-PUT the identical manifest bytes.
        for extra in ["main-latest", "latest"] {
            #expect(try await client.push(tag, from: store, as: destination.withTag(extra)) == manifest.digest)
        }
        #expect(try await client.tags(destination) == ["latest", "main-latest", "sha-1a2b3c4d"])

        // Pulled back into an empty store, every blob is byte-identical.
        let other = try ImageStore(root: "\(directory)/pulled")
        let pulled = try await client.pull(destination, into: other)
        #expect(pulled.digest == manifest.digest)
        let parsed = try CanonicalJSON.decode(ImageManifest.self, from: try other.readBlob(pulled.digest), what: "manifest")
        for blob in [parsed.config] + parsed.layers {
            #expect(try other.readBlob(blob.digest) == (try store.readBlob(blob.digest)))
        }
        // The pulled image runs.
        let status = try await ImageRunner(store: other).run(destination, arguments: ["/bin/echo", "pulled"]) { _ in }
        #expect(status == 0)

        // A registry refusal is reported with its code and message.
        do {
            _ = try await client.manifest(destination.withTag("no-such-tag"))
            Issue.record("expected MANIFEST_UNKNOWN")
        } catch let error as ImageError {
            #expect(error.description.contains("HTTP 404 MANIFEST_UNKNOWN"), "\(error)")
        }
    }

    @Test(.timeLimit(.minutes(2))) func pushWithHtpasswdCredentials() async throws {
        let directory = try ImageFixtures.temporaryDirectory("basic")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let htpasswd = try await ImageFixtures.command("htpasswd", ["-Bbn", "ci", "ci-secret"])
        #expect(htpasswd.succeeded)
        let registry = try await DistributionRegistry.start(htpasswd: htpasswd.standardOutput)
        defer { registry.stop() }
        let (store, tag, manifest) = try await Self.builtImage(in: directory)
        let destination = try ImageReference(parsing: "\(registry.host)/team/app:v1")

        let anonymous = ImageFixtures.client(store: store)
        defer { anonymous.shutdown() }
        await #expect(throws: ImageError.self) { try await anonymous.push(tag, from: store, as: destination) }

        let client = ImageFixtures.client(store: store, credentials: [registry.host: .init(username: "ci", password: "ci-secret")])
        defer { client.shutdown() }
        #expect(try await client.push(tag, from: store, as: destination) == manifest.digest)
        #expect(try await skopeoDigest(destination.description, creds: "ci:ci-secret") == manifest.digest.description)
    }

    @Test(.timeLimit(.minutes(2))) func pushAndPullBehindBearerTokens() async throws {
        let directory = try ImageFixtures.temporaryDirectory("bearer")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let tokens = try await TokenServer.start(in: directory)
        defer { tokens.stop() }
        let registry = try await DistributionRegistry.start(token: tokens)
        defer { registry.stop() }
        let (store, tag, manifest) = try await Self.builtImage(in: directory)
        let destination = try ImageReference(parsing: "\(registry.host)/team/app:v1")

        // Anonymous tokens may pull but not push: the registry's refusal comes back with its code.
        let anonymous = ImageFixtures.client(store: store)
        defer { anonymous.shutdown() }
        do {
            _ = try await anonymous.push(tag, from: store, as: destination)
            Issue.record("an anonymous push must be refused")
        } catch {
            #expect("\(error)".contains("401"), "\(error)")
        }

        let client = ImageFixtures.client(store: store, credentials: [registry.host: .init(username: "ci", password: "ci-secret")])
        defer { client.shutdown() }
        #expect(try await client.push(tag, from: store, as: destination) == manifest.digest)
        // A second repository: the blobs are mounted (the token covers both scopes).
        let second = try ImageReference(parsing: "\(registry.host)/team/copy:v1")
        #expect(try await client.push(tag, from: store, as: second) == manifest.digest)
        #expect(try await skopeoDigest(second.description, creds: "ci:ci-secret") == manifest.digest.description)
        let pulled = try await anonymous.pull(destination, into: try ImageStore(root: "\(directory)/pulled"))
        #expect(pulled.digest == manifest.digest)
    }

    @Test(.timeLimit(.minutes(2))) func skopeoRoundTripsThroughSlipwaysRegistry() async throws {
        let directory = try ImageFixtures.temporaryDirectory("serve")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (store, tag, manifest) = try await Self.builtImage(in: directory)
        let (port, serving) = try await ImageFixtures.serve(RegistryServer(storage: try RegistryStorage(root: "\(directory)/registry")))
        defer { serving.cancel() }
        let host = "127.0.0.1:\(port)"

        // Slipway → Slipway's registry; skopeo sees the same digest.
        let client = ImageFixtures.client(store: store)
        defer { client.shutdown() }
        let destination = try ImageReference(parsing: "\(host)/team/app:sha-1a2b3c4d")
        #expect(try await client.push(tag, from: store, as: destination) == manifest.digest)
        #expect(try await skopeoDigest(destination.description) == manifest.digest.description)

        // skopeo copies out of it into an OCI layout and back in under another name: the digest survives.
        let out = try await ImageFixtures.command(
            "skopeo", ["copy", "--src-tls-verify=false", "docker://\(destination)", "oci:\(directory)/layout:copy"])
        #expect(out.succeeded, "\(out.standardError)")
        let back = try await ImageFixtures.command(
            "skopeo", ["copy", "--dest-tls-verify=false", "oci:\(directory)/layout:copy", "docker://\(host)/other/app:copied"])
        #expect(back.succeeded, "\(back.standardError)")
        #expect(try await skopeoDigest("\(host)/other/app:copied") == manifest.digest.description)
        #expect(try await client.tags(try ImageReference(parsing: "\(host)/other/app")) == ["copied"])

        // Protocol edges: a bad digest is 400 (never 500); an out-of-order chunk is 416.
        let bad = try await ImageFixtures.command(
            "curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "http://\(host)/v2/team/app/manifests/sha256:nothex"])
        #expect(bad.standardOutput == "400")
        let start = try await ImageFixtures.command(
            "curl", ["-s", "-D", "-", "-o", "/dev/null", "-X", "POST", "http://\(host)/v2/team/app/blobs/uploads/"])
        let location =
            start.standardOutput.split(separator: "\r\n").first { $0.lowercased().hasPrefix("location:") }.map {
                $0.dropFirst(9).trimmingCharacters(in: .whitespaces)
            } ?? ""
        #expect(!location.isEmpty)
        let chunk = try await ImageFixtures.command(
            "curl",
            [
                "-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "PATCH", "-H", "Content-Type: application/octet-stream",
                "-H", "Content-Range: 100-109", "--data-binary", "0123456789", "http://\(host)\(location)",
            ])
        #expect(chunk.standardOutput == "416")
    }
}
