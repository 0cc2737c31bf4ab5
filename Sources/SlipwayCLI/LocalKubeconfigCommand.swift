import ArgumentParser
import Core
import Foundation
import KubernetesAPI
import Targets

/// `slipway local kubeconfig`: a kubeconfig for the running local target's Kubernetes API.
struct LocalKubeconfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kubeconfig",
        abstract: "Print a kubeconfig for kubectl against the local target (the first context is the current one).")

    @OptionGroup var options: LocalOptions
    @Option(name: .customLong("context"), help: "A context name (repeatable; several may name the same target).")
    var contexts: [String] = []
    @Option(help: "The contexts' default namespace.") var namespace = "default"
    @Option(name: .customLong("output"), help: "Write the kubeconfig to this file (mode 0600) instead of standard output.")
    var output: String?
    @Flag(
        help:
            "Use the API's TLS port: the local target's own certificate authority and its bearer token (default: plain HTTP on loopback, no credentials)."
    )
    var tls = false

    func run() async throws {
        guard let record = LocalTargetDaemonRecord.read(options.dataDirectory), record.isAlive else {
            throw CommandFailure("the local target is not running (start it with `slipway local up`)")
        }
        var config = Kubeconfig(server: "http://127.0.0.1:\(record.port)", contexts: contexts, namespace: namespace)
        if tls {
            let certificates = LocalTargetCertificates.at(dataDirectory: options.dataDirectory)
            guard let port = record.tlsPort, let pem = try? String(contentsOfFile: certificates.authority, encoding: .utf8),
                let token = certificates.token
            else {
                throw CommandFailure("the running local target serves no TLS port (restart it with `slipway local down` and `up`)")
            }
            config.server = "https://127.0.0.1:\(port)"
            config.certificateAuthority = pem
            config.token = token
        }
        let text: String
        do { text = try config.text() } catch { throw CommandFailure("the kubeconfig cannot be written: \(error)") }
        guard let output else {
            print(text, terminator: "")
            return
        }
        do {
            try AtomicFile.write(Data(text.utf8), to: output, permissions: 0o600)
        } catch {
            throw CommandFailure("\(output): cannot write the kubeconfig: \(error)")
        }
    }
}
