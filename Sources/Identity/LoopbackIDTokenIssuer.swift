import Core
import Foundation
import Hummingbird
import Logging
import Runner
import ServiceLifecycle

/// The issuer of a local run: served on 127.0.0.1 (a port the kernel chooses) from the first job that asks for a
/// token until `shutdown()`, with keys kept in Slipway's data directory (`oidc/keys`).
public actor LoopbackIDTokenIssuer: IDTokenIssuing {
    let keys: SigningKeys
    var issuer: IDTokenIssuer?
    var serving: Task<Void, any Error>?
    var group: ServiceGroup?
    var starting: Task<IDTokenIssuer, any Error>?

    public init(keys: SigningKeys = SigningKeys(directory: DataDirectory.path(for: "oidc/keys"))) {
        self.keys = keys
    }

    public func grant(_ claims: IDTokenClaims) async throws -> IDTokenGrant {
        try await started().grant(claims)
    }

    public func revoke(_ grant: IDTokenGrant) async {
        await issuer?.revoke(grant)
    }

    /// The issuer's URL once it serves (nil before the first grant).
    public func url() async -> String? { await issuer?.issuerURL }

    /// The issuer, started once: jobs asking at the same time wait for the same start (the actor is reentrant while the
    /// server comes up).
    func started() async throws -> IDTokenIssuer {
        if let issuer { return issuer }
        if let starting { return try await starting.value }
        let task = Task { try await self.start() }
        starting = task
        defer { starting = nil }
        return try await task.value
    }

    func start() async throws -> IDTokenIssuer {
        let issuer = IDTokenIssuer(issuerURL: "", keys: keys)
        _ = try keys.current()
        let router = Router()
        issuer.addRoutes(to: router)
        let (ports, sink) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "slipway.oidc")
        logger.logLevel = .critical
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "slipway-oidc"),
            onServerRunning: { channel in
                sink.yield(channel.localAddress?.port ?? 0)
                sink.finish()
            }, logger: logger)
        let group = ServiceGroup(services: [app], gracefulShutdownSignals: [], logger: logger)
        self.group = group
        serving = Task { try await group.run() }
        var port = 0
        for await bound in ports {
            port = bound
            break
        }
        guard port > 0 else { throw IssuerError.notListening }
        await issuer.setIssuerURL("http://127.0.0.1:\(port)")
        self.issuer = issuer
        return issuer
    }

    /// Stops serving (the run is over); tokens already issued stay verifiable by anyone holding the keys.
    public func shutdown() async {
        await group?.triggerGracefulShutdown()
        _ = await serving?.result
        serving = nil
        group = nil
        issuer = nil
    }

    enum IssuerError: Error, CustomStringConvertible {
        case notListening
        var description: String { "the OIDC issuer did not listen on 127.0.0.1" }
    }
}
