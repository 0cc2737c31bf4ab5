import Core
import Foundation
import OCI
import OCIClient
import Runner

/// Images for `container:` jobs and `services:` from Slipway's image store, pulled into it first when missing
/// (through the configured registry mirrors, with the job's credentials when it gives some).
public struct StoreContainerProvider: JobContainerProvider {
    let storeRoot: String
    let mirrors: [String: String]

    public init(storeRoot: String = ImageStore.defaultRoot, mirrors: [String: String] = [:]) {
        self.storeRoot = storeRoot
        self.mirrors = mirrors
    }

    public struct Unavailable: Error, CustomStringConvertible {
        public var image: String
        public var cause: String
        public var description: String {
            "\(cause) — pull it while online (`slipway image pull \(image)`), or point at a registry that has it with "
                + "--registry-mirror REGISTRY=MIRROR"
        }
    }

    public func isAvailableLocally(image: String) async -> Bool {
        guard let reference = try? ImageReference(parsing: image) else { return false }
        if let store = try? ImageStore(root: storeRoot), (try? store.resolve(reference)) != nil { return true }
        let host = reference.registry.split(separator: ":").first.map(String.init) ?? reference.registry
        return ["127.0.0.1", "localhost", "[::1]"].contains(host) || reference.registry.hasPrefix("[::1]")
            || mirrors[reference.registry] != nil
    }

    public func unpack(image: String, credentials: RegistryLogin?, into directory: String) async throws -> ContainerImageSettings {
        let reference = try ImageReference(parsing: image)
        let store = try ImageStore(root: storeRoot)
        if try store.resolve(reference) == nil {
            var configuration = RegistryClient.Configuration()
            // A job waits for this: one attempt per source, not a long transfer's retries.
            configuration.retries = 1
            for (registry, mirror) in mirrors { configuration.mirrors[registry] = mirror }
            if let credentials {
                configuration.credentials = RegistryCredentials(
                    explicit: [reference.registry: .init(username: credentials.username, password: credentials.password)])
            }
            let client = RegistryClient(configuration: configuration, store: store)
            defer { client.shutdown() }
            do {
                _ = try await client.pull(reference, into: store)
            } catch {
                throw Unavailable(image: image, cause: "not in the image store and not pulled: \(error)")
            }
        }
        guard let stored = try store.image(reference) else { throw Unavailable(image: image, cause: "not in the image store") }
        let unpacker = LayerUnpacker(root: directory)
        for layer in stored.manifest.layers { try unpacker.apply(blob: store.blobPath(layer.digest), mediaType: layer.mediaType) }
        let config = stored.config.config
        return ContainerImageSettings(
            env: config.env ?? [], entrypoint: config.entrypoint ?? [], cmd: config.cmd ?? [], workingDir: config.workingDir)
    }
}
