import Core
import Foundation
import Manifests

/// A kubeconfig `exec` user: a command that prints an `ExecCredential` (a token, or a client certificate and key),
/// as cloud providers' plugins do (`aws eks get-token`, `gke-gcloud-auth-plugin`).
public struct ExecCredentialPlugin: Sendable, Hashable {
    public var apiVersion: String
    public var command: String
    public var arguments: [String]
    public var environment: [String: String]

    public init(apiVersion: String, command: String, arguments: [String] = [], environment: [String: String] = [:]) {
        self.apiVersion = apiVersion
        self.command = command
        self.arguments = arguments
        self.environment = environment
    }

    public struct Credential: Sendable, Hashable {
        public var token: String?
        public var clientCertificate: [UInt8]?
        public var clientKey: [UInt8]?
        public var expires: Date?
    }

    /// Runs the plugin (at most 60 s) and reads its credential.
    public func run() async throws -> Credential {
        var environment = self.environment
        environment["KUBERNETES_EXEC_INFO"] =
            ManifestValue.object([
                "apiVersion": .string(apiVersion), "kind": .string("ExecCredential"), "spec": .object(["interactive": .bool(false)]),
            ]).jsonText
        let result: CapturedCommand.Result
        do {
            result = try await CapturedCommand.run(command, arguments, environment: environment, timeout: .seconds(60))
        } catch {
            throw KubernetesClientError.credentials("\(command) could not be run: \(error)")
        }
        guard result.succeeded else {
            throw KubernetesClientError.credentials("\(command) failed (\(result.status)): \(result.standardError.prefix(500))")
        }
        guard let value = try? ManifestValue(json: Data(result.standardOutput.utf8)), value["kind"]?.string == "ExecCredential",
            let status = value["status"]
        else {
            throw KubernetesClientError.credentials("\(command) did not print an ExecCredential with a status")
        }
        let credential = Credential(
            token: status["token"]?.string, clientCertificate: status["clientCertificateData"]?.string.map { Array($0.utf8) },
            clientKey: status["clientKeyData"]?.string.map { Array($0.utf8) },
            expires: status["expirationTimestamp"]?.string.flatMap(ISO8601DateFormatter().date(from:)))
        guard credential.token != nil || (credential.clientCertificate != nil && credential.clientKey != nil) else {
            throw KubernetesClientError.credentials("\(command) printed neither a token nor a client certificate and key")
        }
        return credential
    }
}
