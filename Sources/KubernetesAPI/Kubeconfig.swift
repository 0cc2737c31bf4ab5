import Foundation
import Manifests

/// A kubeconfig for a Kubernetes API on this machine: one cluster, one user, and any number of contexts naming them
/// (so a pipeline's `kubectl config use-context qa` works against the same target).
public struct Kubeconfig: Sendable, Hashable {
    public var server: String
    public var contexts: [String]
    public var namespace: String
    /// PEM of the authority an https server's certificate chains to.
    public var certificateAuthority: String?
    /// The bearer token the server asks for.
    public var token: String?

    public init(
        server: String, contexts: [String], namespace: String = "default", certificateAuthority: String? = nil, token: String? = nil
    ) {
        self.server = server
        self.contexts = contexts.isEmpty ? ["slipway-local"] : contexts
        self.namespace = namespace
        self.certificateAuthority = certificateAuthority
        self.token = token
    }

    /// The file's text (YAML, written by the emitter kustomize's output goes through); the first context is the
    /// current one.
    public func text() throws(GoYAMLEmitter.EmitError) -> String {
        let name = "slipway-local"
        var cluster: [String: ManifestValue] = ["server": .string(server)]
        if let certificateAuthority {
            cluster["certificate-authority-data"] = .string(Data(certificateAuthority.utf8).base64EncodedString())
        }
        let user: ManifestValue = .object(token.map { ["token": .string($0)] } ?? [:])
        let config: ManifestValue = .object([
            "apiVersion": .string("v1"), "kind": .string("Config"),
            "clusters": .array([.object(["name": .string(name), "cluster": .object(cluster)])]),
            "users": .array([.object(["name": .string(name), "user": user])]),
            "contexts": .array(
                contexts.map { context in
                    .object([
                        "name": .string(context),
                        "context": .object(["cluster": .string(name), "user": .string(name), "namespace": .string(namespace)]),
                    ])
                }),
            "current-context": .string(contexts.first ?? name),
        ])
        return try GoYAMLEmitter.document(config)
    }
}
