import Foundation
import GitOps
import Releases
import Store

/// An application a project declares, with what the controllers last did with it; its sync history when one
/// application is asked for.
struct ApplicationJSON: Encodable {
    struct Policy: Encodable {
        var automated: Bool
        var prune: Bool
        var selfHeal: Bool
    }

    var name: String
    var projectId: Int64
    var project: String
    var repository: String
    var branch: String
    var path: String
    var environment: String
    var namespace: String
    var target: String
    var syncPolicy: Policy
    /// "running", or why the controllers do not run.
    var controllers: String
    /// The newest sync; nil before the first.
    var lastSync: SyncJSON?
    /// Desired state at the branch head against live state: Synced, OutOfSync, or Unknown (no controllers, or the
    /// comparison failed: `status_message` says why).
    var syncStatus: String
    /// The live health of the desired objects (Healthy, Progressing, Degraded, Missing, …; Unknown as above).
    var health: String
    var statusMessage: String
    var release: ReleaseJSON?
    var holds: [HoldJSON]
    var history: [SyncJSON]?

    init(
        _ application: Application, project: ApplicationSupervisor.Declared, controllers: String,
        comparison: Result<Comparison, any Error>?, syncs: [SyncRecord], release: Release?, holds: [DeliveryStore.HoldRow],
        withHistory: Bool
    ) {
        name = application.name
        projectId = project.projectId
        self.project = project.projectName
        repository = application.repository
        branch = application.branch
        path = application.path
        environment = application.environment
        namespace = application.namespace
        target = application.target
        syncPolicy = Policy(
            automated: application.syncPolicy.automated, prune: application.syncPolicy.prune, selfHeal: application.syncPolicy.selfHeal)
        self.controllers = controllers
        let newestFirst = syncs.reversed().map(SyncJSON.init)
        lastSync = newestFirst.first
        switch comparison {
        case .success(let comparison):
            syncStatus = comparison.status.rawValue
            health = comparison.health.status.rawValue
            statusMessage = comparison.health.message
        case .failure(let error):
            (syncStatus, health, statusMessage) = ("Unknown", "Unknown", "cannot compare with the target: \(error)")
        case nil:
            (syncStatus, health, statusMessage) = ("Unknown", "Unknown", controllers)
        }
        self.release = release.map { ReleaseJSON($0) }
        self.holds = holds.map(HoldJSON.init)
        history = withHistory ? newestFirst : nil
    }
}

/// One sync of an application.
struct SyncJSON: Encodable {
    var revision: String
    var trigger: String
    var phase: String
    var message: String
    var health: String
    var startedAt: String?
    var duration: Double
    var changed: [String]

    init(_ record: SyncRecord) {
        revision = record.revision
        trigger = record.trigger.rawValue
        phase = record.phase.rawValue
        message = record.message
        health = record.health.description
        startedAt = APIReply.time(record.startedAt.timeIntervalSince1970)
        duration = record.duration
        changed = record.changed.map { "\($0.action.rawValue) \($0.key)" }
    }
}

/// A revision auto-sync holds back (a rolled-back release's), and who lifted the hold if someone did.
struct HoldJSON: Encodable {
    var revision: String
    var reason: String
    var releaseId: Int64?
    var since: String?
    var liftedAt: String?
    var liftedBy: String?
    var liftedReason: String?

    init(_ row: DeliveryStore.HoldRow) {
        revision = row.revision
        reason = row.reason
        releaseId = row.releaseId
        since = APIReply.time(row.createdAt)
        liftedAt = APIReply.time(row.removedAt)
        liftedBy = row.removedBy
        liftedReason = row.removedReason
    }
}

/// What a project declares in `slipway.yaml`, and why some of it does not run.
struct ProjectApplicationsJSON: Encodable {
    var projectId: Int64
    var revision: String?
    var applications: [String]
    var problems: [String]

    init(_ declared: ApplicationSupervisor.Declared) {
        projectId = declared.projectId
        revision = declared.revision
        applications = declared.applications.map(\.name)
        problems = declared.problems
    }
}

/// The body of lifting a hold: why (required, kept with the hold).
struct LiftHoldBody: Decodable {
    var reason: String
}
