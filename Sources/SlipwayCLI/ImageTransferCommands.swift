import ArgumentParser
import Foundation
import Images
import OCI
import OCIClient

/// Registry connection options shared by the image commands.
struct RegistryOptions: ParsableArguments {
    @Option(name: .customLong("insecure-registry"), help: "Speak plain HTTP to this registry (loopback always is; repeatable).")
    var insecureRegistry: [String] = []

    @Option(name: .customLong("registry-mirror"), help: "Pull REGISTRY's images from MIRROR first: docker.io=127.0.0.1:5000 (repeatable).")
    var registryMirror: [String] = []

    func client(store: ImageStore? = nil, explicit: [String: RegistryCredentials.Credential] = [:]) throws -> RegistryClient {
        var configuration = RegistryClient.Configuration()
        if !explicit.isEmpty { configuration.credentials = RegistryCredentials(explicit: explicit) }
        for host in insecureRegistry { configuration.insecureRegistries.insert(host) }
        for pair in registryMirror {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw ValidationError("--registry-mirror \(pair): expected REGISTRY=MIRROR") }
            configuration.mirrors[parts[0]] = parts[1]
        }
        return RegistryClient(configuration: configuration, store: store)
    }

    /// Runs `body` with the image store and a registry client, shutting the client down afterwards; the Images
    /// module's errors become `Error: …` with exit status 1.
    func withClient<T>(_ storeOptions: ImageStoreOptions, _ body: (ImageStore, RegistryClient) async throws -> T) async throws -> T {
        let store = try storeOptions.open()
        let client = try client(store: store)
        defer { client.shutdown() }
        do { return try await body(store, client) } catch { throw imageFailure(error) }
    }
}

struct ImagePushCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "push", abstract: "Push an image from the store to its registry.")

    @OptionGroup var registry: RegistryOptions
    @OptionGroup var storeOptions: ImageStoreOptions

    @Argument(help: "The image, as named in the store.")
    var image: String

    @Argument(help: "Push under this name instead.")
    var destination: String?

    func run() async throws {
        try await registry.withClient(storeOptions) { store, client in
            let reference = try ImageReference(parsing: image)
            let target = try destination.map { try ImageReference(parsing: $0) }
            print(try await client.push(reference, from: store, as: target))
        }
    }
}

struct ImagePullCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "pull", abstract: "Pull an image into the store.")

    @OptionGroup var registry: RegistryOptions
    @OptionGroup var storeOptions: ImageStoreOptions

    @Argument(help: "The image.")
    var image: String

    func run() async throws {
        try await registry.withClient(storeOptions) { store, client in
            print(try await client.pull(try ImageReference(parsing: image), into: store).digest)
        }
    }
}

struct ImageInspectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect", abstract: "Print an image's digest, manifest and config as JSON.")

    @OptionGroup var registry: RegistryOptions
    @OptionGroup var storeOptions: ImageStoreOptions

    @Flag(help: "Read the image from its registry rather than the local store.")
    var remote = false

    @Argument(help: "The image.")
    var image: String

    func run() async throws {
        try await registry.withClient(storeOptions) { store, client in
            let reference = try ImageReference(parsing: image)
            let manifestData: Data
            let digest: Digest
            var config: Data?
            if remote {
                let fetched = try await client.manifest(reference)
                manifestData = fetched.data
                digest = fetched.digest
            } else {
                guard let descriptor = try store.resolve(reference) else {
                    throw ImageError.notFound("image \(reference.familiar) in the local store")
                }
                manifestData = try store.readBlob(descriptor.digest)
                digest = descriptor.digest
                if let manifest = try? JSONDecoder().decode(ImageManifest.self, from: manifestData) {
                    config = try? store.readBlob(manifest.config.digest)
                }
            }
            let manifest = try JSONSerialization.jsonObject(with: manifestData)
            var object: [String: Any] = ["Name": reference.description, "Digest": digest.description, "Manifest": manifest]
            if let config, let parsed = try? JSONSerialization.jsonObject(with: config) { object["Config"] = parsed }
            let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            print(String(decoding: data, as: UTF8.self))
        }
    }
}

struct ImageTagsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tags", abstract: "List a repository's tags on its registry, sorted.")

    @OptionGroup var registry: RegistryOptions

    @Argument(help: "The repository, e.g. 127.0.0.1:5000/team/app.")
    var repository: String

    func run() async throws {
        let client = try registry.client()
        defer { client.shutdown() }
        do {
            for tag in try await client.tags(try ImageReference(parsing: repository)) { print(tag) }
        } catch {
            throw imageFailure(error)
        }
    }
}
