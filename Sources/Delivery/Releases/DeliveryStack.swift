import GitOps
import Logging
import Releases
import Store
import TargetKit
import Targets

/// The sync engine and the canary controller, driving a target (the local target through its API, or a Kubernetes
/// cluster) and keeping releases, syncs and gate decisions in one store: what `slipway up`, `slipway gitops
/// sync|watch` and a server run.
public struct DeliveryStack: Sendable {
    public let target: any Target
    /// The local target's connection, when that is the target (its mesh metrics feed the canary analysis).
    public let localTarget: LocalTargetConnection?
    public let log: ReleaseLog
    public let controller: CanaryController
    public let engine: SyncEngine
    public let sync: SyncController

    /// The stack over the local target whose daemon keeps `localDataDirectory`.
    public init(localDataDirectory: String, storePath: String, cacheRoot: String, applications: [Application], logger: Logger) async throws
    {
        try await self.init(
            localDataDirectory: localDataDirectory, store: try DeliveryStore(path: storePath), cacheRoot: cacheRoot,
            applications: applications, logger: logger)
    }

    /// The same over a store already open (the server's database, PostgreSQL included).
    public init(localDataDirectory: String, store: DeliveryStore, cacheRoot: String, applications: [Application], logger: Logger)
        async throws
    {
        let local = try LocalTargetConnection(dataDirectory: localDataDirectory)
        try await self.init(
            target: local, local: local, meshMetrics: { try await local.meshMetrics() }, store: store, cacheRoot: cacheRoot,
            applications: applications, logger: logger)
    }

    /// The stack over any target; `meshMetrics` answers the canary analysis' mesh measures (a Kubernetes target has
    /// none of its own: its analyses query Prometheus).
    public init(
        target: any Target, meshMetrics: @escaping MeshWindow.Source, storePath: String, cacheRoot: String, applications: [Application],
        logger: Logger
    ) async throws {
        try await self.init(
            target: target, local: nil, meshMetrics: meshMetrics, store: try DeliveryStore(path: storePath), cacheRoot: cacheRoot,
            applications: applications,
            logger: logger)
    }

    private init(
        target: any Target, local: LocalTargetConnection?, meshMetrics: @escaping MeshWindow.Source, store: DeliveryStore,
        cacheRoot: String,
        applications: [Application], logger: Logger
    ) async throws {
        self.target = target
        localTarget = local
        log = ReleaseLog(store: store)
        let mesh = MeshWindow(source: meshMetrics)
        controller = CanaryController(
            target: target, log: log, metrics: MetricSources(mesh: mesh), mesh: mesh,
            revert: GitRevert(cacheRoot: cacheRoot + "/revert"), logger: logger)
        engine = SyncEngine(
            target: target, revisions: GitRevisions(cacheRoot: cacheRoot + "/revisions"), delegate: controller, history: log)
        await controller.attach(engine)
        sync = SyncController(engine: engine, applications: applications, logger: logger)
    }
}
