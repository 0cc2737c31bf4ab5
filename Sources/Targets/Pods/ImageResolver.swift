import Foundation
import OCI
import OCIClient
import TargetKit

/// Finds a container's image: in the runtime's image store, pulled from its registry when the pull policy says so,
/// and unpacked once per layer digest for overlay roots.
public actor ImageResolver {
    public struct Resolved: Sendable {
        public var layers: [String]
        public var config: ImageConfig
        public var imageID: String
    }

    let store: ImageStore
    let cache: LayerCache
    let registry: RegistryClient

    public init(store: ImageStore, layerRoot: String, registry: RegistryClient = RegistryClient()) throws {
        self.store = store
        cache = try LayerCache(store: store, root: layerRoot)
        self.registry = registry
    }

    /// The image for `name` under `policy` (`Always`, `IfNotPresent`, `Never`); errors read as the kubelet's.
    public func resolve(_ name: String, policy: String) async throws(PodFailure) -> Resolved {
        let reference: ImageReference
        do { reference = try ImageReference(parsing: name) } catch {
            throw PodFailure(reason: "InvalidImageName", message: "Failed to apply default image tag \"\(name)\": \(error)")
        }
        var stored = try? store.image(reference)
        if policy == "Always" || (stored == nil && policy == "IfNotPresent") {
            do {
                try await registry.pull(reference, into: store)
                stored = try store.image(reference)
            } catch {
                throw PodFailure(reason: "ErrImagePull", message: "Failed to pull image \"\(name)\": \(error)")
            }
        }
        guard let image = stored ?? nil else {
            throw PodFailure(reason: "ErrImageNeverPull", message: "Container image \"\(name)\" is not present with pull policy of Never")
        }
        do {
            return Resolved(
                layers: try cache.layers(of: image.manifest), config: image.config,
                imageID: "\(reference.familiar)@\(image.descriptor.digest)")
        } catch {
            throw PodFailure(reason: "CreateContainerError", message: "unpacking \(name): \(error)")
        }
    }
}

/// Why a container could not start, as `waiting.reason` and `message`.
public struct PodFailure: Error, Sendable, Hashable, CustomStringConvertible {
    public var reason: String
    public var message: String
    public var description: String { "\(reason): \(message)" }
}
