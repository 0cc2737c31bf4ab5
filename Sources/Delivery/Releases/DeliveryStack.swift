import GitOps
import Logging
import Releases
import Store
import TargetKit
import Targets

/// The sync engine and the canary controller, driving the local target through its API and keeping releases, syncs
/// and gate decisions in one store: what `slipway up`, `slipway gitops sync|watch` and a server run.
public struct DeliveryStack: Sendable {
    public let target: LocalTargetConnection
    public let log: ReleaseLog
    public let controller: CanaryController
    public let engine: SyncEngine
    public let sync: SyncController

    public init(localDataDirectory: String, storePath: String, cacheRoot: String, applications: [Application], logger: Logger) async throws
    {
        target = try LocalTargetConnection(dataDirectory: localDataDirectory)
        log = ReleaseLog(store: try DeliveryStore(path: storePath))
        let target = self.target
        let mesh = MeshWindow { try await target.meshMetrics() }
        controller = CanaryController(
            target: target, log: log, metrics: MetricSources(mesh: mesh), mesh: mesh,
            revert: GitRevert(cacheRoot: cacheRoot + "/revert"), logger: logger)
        engine = SyncEngine(
            target: target, revisions: GitRevisions(cacheRoot: cacheRoot + "/revisions"), delegate: controller, history: log)
        await controller.attach(engine)
        sync = SyncController(engine: engine, applications: applications, logger: logger)
    }
}
