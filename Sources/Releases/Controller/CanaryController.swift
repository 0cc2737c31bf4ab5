import Core
import Foundation
import GitOps
import Logging
import Manifests
import ServiceLifecycle
import TargetKit

/// Runs canary releases. As the sync engine's delegate it sees each revision before it is applied: a new version
/// of a Deployment under a `Canary` strategy is not rolled onto the primary but handed to a release, which
/// starts `<name>-canary`, moves traffic by the VirtualService weights it alone writes, measures, waits at gates,
/// and promotes — or aborts: traffic back to the primary at once, canary removed, the revision held and the GitOps
/// commit reverted.
public actor CanaryController: SyncDelegate, Service {
    public static let fieldManager = "slipway-rollouts"

    struct Active {
        var release: Release
        var spec: CanarySpec
        var application: Application
        /// The Deployment as git wants it (the new version), for the canary and for promotion.
        var desired: ManifestValue
        var templates: [String: AnalysisTemplateSpec]
        var stepRun: AnalysisRun?
        var background: AnalysisRun?
        var canaryAppliedAt: Date?
        var canaryAvailable = false
        var announcedGate = false
        var promotionStartedAt: Date?
    }

    let target: any Target
    let log: ReleaseLog
    let metrics: any MetricSource
    let mesh: MeshWindow?
    let revert: GitRevert
    let logger: Logger
    let tick: Duration
    private(set) var engine: SyncEngine?
    var active: [String: Active] = [:]

    public init(target: any Target, log: ReleaseLog, metrics: any MetricSource, mesh: MeshWindow?, revert: GitRevert,
                tick: Duration = .milliseconds(250), logger: Logger = Logger(label: "slipway.releases")) {
        self.target = target
        self.log = log
        self.metrics = metrics
        self.mesh = mesh
        self.revert = revert
        self.tick = tick
        self.logger = logger
    }

    /// The engine whose revisions this controller holds after a rollback (set once both exist).
    public func attach(_ engine: SyncEngine) { self.engine = engine }

    public func activeRelease(of application: String) -> Release? { active[application]?.release }

    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while !Task.isCancelled {
                    for name in await self.activeNames() { await self.advance(name) }
                    try await Task.sleep(for: self.tick)
                }
            }
        } catch is CancellationError {
            // Stopping is how this loop ends; a release in progress stays as recorded.
        }
    }

    func activeNames() -> [String] { active.keys.sorted() }

    // MARK: SyncDelegate

    public func prepare(_ input: SyncInput) async throws -> SyncAdjustment {
        let (canaries, templates) = try Self.strategies(input.slipwayObjects, namespace: input.application.namespace)
        var objects = input.objects
        var ignored: [ObjectKey: [ManifestDiff.IgnoredPath]] = [:]
        var notes: [String] = []
        for spec in canaries {
            guard let index = objects.firstIndex(where: {
                $0["kind"]?.string == "Deployment" && $0.value(at: ["metadata", "name"])?.string == spec.deployment
                    && ($0.value(at: ["metadata", "namespace"])?.string ?? input.application.namespace) == spec.namespace
            }) else {
                throw StrategyError(canary: spec.name, problems: ["spec.deployment: Deployment \"\(spec.deployment)\" is not among the rendered objects"])
            }
            let routeKey = ObjectKey(.virtualService, namespace: spec.namespace, name: spec.virtualService)
            guard objects.contains(where: { ObjectKey.of($0, defaultNamespace: input.application.namespace) == routeKey }) else {
                throw StrategyError(canary: spec.name, problems: ["spec.virtualService.name: VirtualService \"\(spec.virtualService)\" is not among the rendered objects"])
            }
            // Slipway alone writes the weights: git's values never count as a difference and are never applied over live ones.
            ignored[routeKey] = [["spec", "http", "*", "route", "*", "weight"]]
            let primaryKey = ObjectKey(.deployment, namespace: spec.namespace, name: spec.deployment)
            guard let live = try await target.get(primaryKey) else { continue } // first deploy: no canary, as in Argo Rollouts
            let desired = objects[index]
            let wanted = desired.value(at: ["spec", "template"]) ?? .null
            let current = live.value(at: ["spec", "template"]) ?? .null
            let isNewVersion = !ManifestDiff.differences(desired: wanted, live: current).isEmpty
            if isNewVersion {
                // The primary keeps its version until promotion.
                objects[index].set(current, at: ["spec", "template"])
                if let running = active[input.application.name], running.release.revision == input.revision || running.desired == desired {
                    notes.append("deployment.apps/\(spec.deployment): new version in canary release #\(running.release.id)")
                } else if !input.dryRun {
                    let release = try await start(input.application, spec: spec, desired: desired, live: live, revision: input.revision, templates: templates)
                    notes.append("deployment.apps/\(spec.deployment): new version handed to canary release #\(release.id)")
                }
            } else if !input.dryRun, let running = active[input.application.name], running.spec.deployment == spec.deployment,
                      running.release.revision != input.revision,
                      !ManifestDiff.differences(desired: running.desired.value(at: ["spec", "template"]) ?? .null, live: wanted).isEmpty {
                // Git went back (a revert, or a newer commit without the change): the release has nothing left to do.
                await finish(input.application.name, phase: .superseded, message: "revision \(input.revision.prefix(12)) no longer asks for \(running.release.images.first ?? "the new version")", at: Date())
            }
        }
        return SyncAdjustment(objects: objects, ignored: ignored, notes: notes)
    }

    public func synced(_ record: SyncRecord) async {
        let matching = await log.all().last { $0.application == record.application && ($0.revision == record.revision || $0.revertRevision == record.revision) }
        guard let release = matching else { return }
        let what = record.revision == release.revertRevision ? "revert" : "revision"
        await log.append(ReleaseEvent(at: Date(), kind: .sync, summary: "sync of \(what) \(record.revision.prefix(12)) (\(record.trigger.rawValue)): \(record.phase.rawValue), \(record.message)",
                                      detail: ["revision": record.revision, "phase": record.phase.rawValue, "duration": String(format: "%.3f", record.duration)]),
                         to: release.id)
    }

    /// Reads the Canary and AnalysisTemplate objects of a revision; any problem fails the sync before anything is applied.
    static func strategies(_ objects: [ManifestValue], namespace: String) throws -> ([CanarySpec], [String: AnalysisTemplateSpec]) {
        var canaries: [CanarySpec] = []
        var templates: [String: AnalysisTemplateSpec] = [:]
        var problems: [String] = []
        for object in objects {
            let kind = object["kind"]?.string ?? ""
            let apiVersion = object["apiVersion"]?.string ?? ""
            guard apiVersion == "slipway.dev/v1" else {
                problems.append("\(apiVersion) \(kind): unknown API version, expected slipway.dev/v1")
                continue
            }
            do {
                switch kind {
                case "Canary": canaries.append(try CanarySpec(object, defaultNamespace: namespace))
                case "AnalysisTemplate":
                    let template = try AnalysisTemplateSpec(object)
                    templates[template.name] = template
                default: problems.append("slipway.dev/v1 \(kind): unknown kind, expected Canary or AnalysisTemplate")
                }
            } catch { problems.append(error.description) }
        }
        for canary in canaries {
            var names = canary.backgroundAnalysis
            for case .analysis(let used) in canary.steps { names += used }
            for name in names where templates[name] == nil && AnalysisTemplateSpec.builtIn(name, prometheus: nil) == nil {
                let defined = templates.keys.sorted() + AnalysisTemplateSpec.builtInNames
                problems.append("Canary \"\(canary.name)\": analysis template \"\(name)\" not found (available: \(defined.joined(separator: ", ")))")
            }
        }
        guard problems.isEmpty else { throw StrategyError(problems: problems) }
        return (canaries, templates)
    }

    func template(_ name: String, in active: Active) -> AnalysisTemplateSpec? {
        active.templates[name] ?? AnalysisTemplateSpec.builtIn(name, prometheus: active.spec.prometheusAddress)
    }

    // MARK: Gates

    public enum GateError: Error, Sendable, CustomStringConvertible {
        case noRelease(String)
        case notAtGate(String, Release)

        public var description: String {
            switch self {
            case .noRelease(let application): "application \"\(application)\" has no release in progress"
            case .notAtGate(let application, let release):
                "release #\(release.id) of \"\(application)\" is not waiting at a gate (\(release.phase.rawValue), step \(release.stepIndex + 1) of \(release.stepCount): \(release.message))"
            }
        }
    }

    /// `slipway rollout promote`: lets a release waiting at a gate go on.
    public func promote(_ application: String, by actor: String) async throws(GateError) -> Release {
        guard let current = active[application] else { throw .noRelease(application) }
        guard current.release.waitingAtGate else { throw .notAtGate(application, current.release) }
        await apply(GateDecision(action: "promote", actor: actor, at: Date()), to: application)
        return active[application]?.release ?? current.release
    }

    /// `slipway rollout abort`: traffic back to the primary at once, then the rollback.
    public func abort(_ application: String, by actor: String) async throws(GateError) -> Release {
        guard let current = active[application] else { throw .noRelease(application) }
        await apply(GateDecision(action: "abort", actor: actor, at: Date()), to: application)
        return await log.release(current.release.id) ?? current.release
    }

    struct GateDecision {
        var action: String
        var actor: String
        var at: Date
    }

    func apply(_ decision: GateDecision, to application: String) async {
        guard var current = active[application] else { return }
        let release = current.release
        switch decision.action {
        case "promote" where release.waitingAtGate:
            await event(application, .gate, "promoted by \(decision.actor)", ["actor": decision.actor, "decision": "promote", "step": String(release.stepIndex + 1)])
            current = active[application] ?? current
            current.release.waitingAtGate = false
            current.release.phase = .progressing
            current.release.stepIndex += 1
            current.stepRun = nil
            current.announcedGate = false
            active[application] = current
            await save(application)
        case "promote":
            await event(application, .gate, "promote by \(decision.actor) ignored: no gate was waiting", ["actor": decision.actor, "decision": "promote"])
        case "abort":
            await event(application, .gate, "aborted by \(decision.actor)", ["actor": decision.actor, "decision": "abort"])
            await abortRelease(application, reason: "aborted by \(decision.actor)")
        default:
            break
        }
    }
}
