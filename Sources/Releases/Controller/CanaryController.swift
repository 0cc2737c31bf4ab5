import Core
import Foundation
import GitOps
import Logging
import Manifests
import ServiceLifecycle
import TargetKit

/// Runs canary releases. As the sync engine's delegate it sees each revision before it is applied: a new version
/// of a Deployment under a `Canary` strategy is not rolled onto the primary but handed to a release. As a service it
/// carries releases through `ReleaseMachine`: each tick it does the release's pending effects in order (recording
/// each completion in the store before the next transition), acts on gate decisions, and does what the state asks
/// (reads, measurements). The store is the source of truth: a controller that starts takes over every active
/// release where the last one left it, and only one controller at a time works on a store (a lease).
public actor CanaryController: SyncDelegate, Service {
    public static let fieldManager = "slipway-rollouts"
    /// How long a failing effect is retried (the target or git may be back in a moment) before the release hears of it.
    public static let retryWindow: Duration = .seconds(10)
    static let leaseName = "canary-controller"
    static let leaseTTL = 10.0

    let target: any Target
    let log: ReleaseLog
    let metrics: any MetricSource
    let mesh: MeshWindow?
    let revert: GitRevert
    let logger: Logger
    let tick: Duration
    let clock: @Sendable () -> Date
    /// Who holds the lease: this process.
    let holder = "\(ProcessInfo.processInfo.hostName)/\(getpid())/\(UUID().uuidString.prefix(8))"
    private(set) var engine: SyncEngine?
    /// The releases this controller works on, by id (active ones, read from the store at start and kept current).
    var releases: [Int64: Release] = [:]
    var loaded = false
    var holdsLease = false
    var warnedAboutLease = false
    var leaseRenewedAt: ContinuousClock.Instant?
    /// Releases read from the store that this controller has not yet told they were resumed.
    var takenOver: Set<Int64> = []
    /// When each failing effect first failed, by release.
    var failingSince: [Int64: (effect: ReleaseEffect, since: Date)] = [:]
    var wakeUp: AsyncStream<Void>.Continuation?

    public init(
        target: any Target, log: ReleaseLog, metrics: any MetricSource, mesh: MeshWindow?, revert: GitRevert,
        tick: Duration = .milliseconds(250), clock: @escaping @Sendable () -> Date = { Date() },
        logger: Logger = Logger(label: "slipway.releases")
    ) {
        self.target = target
        self.log = log
        self.metrics = metrics
        self.mesh = mesh
        self.revert = revert
        self.tick = tick
        self.clock = clock
        self.logger = logger
    }

    /// The engine whose revisions this controller holds after a rollback (set once both exist).
    public func attach(_ engine: SyncEngine) { self.engine = engine }

    /// The application's release in progress, as this controller knows it.
    public func activeRelease(of application: String) -> Release? {
        releases.values.filter { $0.application == application && !$0.state.isFinal }.max { $0.id < $1.id }
    }

    /// The application's release in progress as the store has it (for a controller that does not hold the lease).
    func storedRelease(of application: String) throws -> Release? {
        try log.activeReleases().filter { $0.application == application && !$0.state.isFinal }.max { $0.id < $1.id }
    }

    // MARK: SyncDelegate

    public func prepare(_ input: SyncInput) async throws -> SyncAdjustment {
        let leading = try await lead()
        let (canaries, templates) = try Self.strategies(input.slipwayObjects, namespace: input.application.namespace)
        var objects = input.objects
        var ignored: [ObjectKey: [ManifestDiff.IgnoredPath]] = [:]
        var notes: [String] = []
        for spec in canaries {
            guard
                let index = objects.firstIndex(where: {
                    $0["kind"]?.string == "Deployment" && $0.value(at: ["metadata", "name"])?.string == spec.deployment
                        && ($0.value(at: ["metadata", "namespace"])?.string ?? input.application.namespace) == spec.namespace
                })
            else {
                throw StrategyError(
                    canary: spec.name, problems: ["spec.deployment: Deployment \"\(spec.deployment)\" is not among the rendered objects"])
            }
            let routeKey = ObjectKey(.virtualService, namespace: spec.namespace, name: spec.virtualService)
            guard objects.contains(where: { ObjectKey.of($0, defaultNamespace: input.application.namespace) == routeKey }) else {
                throw StrategyError(
                    canary: spec.name,
                    problems: ["spec.virtualService.name: VirtualService \"\(spec.virtualService)\" is not among the rendered objects"])
            }
            // Slipway alone writes the weights: git's values never count as a difference and are never applied over live ones.
            ignored[routeKey] = [["spec", "http", "*", "route", "*", "weight"]]
            let primaryKey = ObjectKey(.deployment, namespace: spec.namespace, name: spec.deployment)
            guard let live = try await target.get(primaryKey) else { continue }  // first deploy: no canary, as in Argo Rollouts
            let desired = objects[index]
            let wanted = desired.value(at: ["spec", "template"]) ?? .null
            let current = live.value(at: ["spec", "template"]) ?? .null
            let running = leading ? activeRelease(of: input.application.name) : try storedRelease(of: input.application.name)
            if !ManifestDiff.differences(desired: wanted, live: current).isEmpty {
                // The primary keeps its version until promotion.
                objects[index].set(current, at: ["spec", "template"])
                if let running, running.revision == input.revision || running.plan?.desired == desired {
                    notes.append("deployment.apps/\(spec.deployment): new version in canary release #\(running.id)")
                } else if !leading {
                    notes.append(
                        "deployment.apps/\(spec.deployment): new version; the controller that runs this store's releases starts it")
                } else if !input.dryRun {
                    let plan = ReleasePlan(
                        spec: spec, templates: templates, application: input.application, desired: desired, previousTemplate: current)
                    let release = try await start(plan, live: live, revision: input.revision, superseding: running)
                    notes.append("deployment.apps/\(spec.deployment): new version handed to canary release #\(release.id)")
                }
            } else if leading, !input.dryRun, let running, running.plan?.spec.deployment == spec.deployment,
                running.revision != input.revision,
                !ManifestDiff.differences(desired: running.plan?.desired.value(at: ["spec", "template"]) ?? .null, live: wanted).isEmpty
            {
                // Git went back (a revert, or a newer commit without the change): the release has nothing left to do.
                try apply(
                    running.id,
                    .superseded(
                        reason: "revision \(input.revision.prefix(12)) no longer asks for \(running.images.first ?? "the new version")",
                        gitWentBack: true))
            }
        }
        return SyncAdjustment(objects: objects, ignored: ignored, notes: notes)
    }

    public func synced(_ record: SyncRecord) async {
        // The application's recent releases only: a sync of an application without one costs one indexed query.
        let recent = (try? ReleaseRecords(store: log.store).list(application: record.application, limit: 10)) ?? []
        let matching = recent.first { $0.revision == record.revision || $0.revertRevision == record.revision }
        guard let release = matching else { return }
        let what = record.revision == release.revertRevision ? "revert" : "revision"
        let entry = TimelineEntry(
            at: clock(), kind: .sync,
            summary:
                "sync of \(what) \(record.revision.prefix(12)) (\(record.trigger.rawValue)): \(record.phase.rawValue), \(record.message)",
            detail: ["revision": record.revision, "phase": record.phase.rawValue, "duration": String(format: "%.3f", record.duration)])
        // A timeline entry only: the release's state is the controller's to write.
        do { try log.append([entry], to: release.id) } catch {
            logger.warning("release #\(release.id): the sync was not recorded: \(error)")
        }
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
                problems.append(
                    "Canary \"\(canary.name)\": analysis template \"\(name)\" not found (available: \(defined.joined(separator: ", ")))")
            }
        }
        guard problems.isEmpty else { throw StrategyError(problems: problems) }
        return (canaries, templates)
    }

    // MARK: Starting

    /// A new release of `plan`'s Deployment; one still running for the application is superseded first.
    func start(_ plan: ReleasePlan, live: ManifestValue, revision: String, superseding running: Release?) async throws -> Release {
        let images = Self.images(plan.desired)
        let previous = Self.images(live)
        let provenance = await provenance(plan.application, revision: revision)
        if let running { try apply(running.id, .superseded(reason: "revision \(revision.prefix(12)) replaced it", gitWentBack: false)) }
        let now = clock()
        let fresh = Release(
            id: 0, application: plan.application.name, environment: plan.application.environment, namespace: plan.spec.namespace,
            canary: plan.spec.name, revision: revision, images: images, previousImages: previous, stepCount: plan.spec.steps.count,
            startedAt: now, plan: plan)
        let (started, effects) = ReleaseMachine.start(fresh, now: now)
        let release = try log.create(started, entries: provenance + Self.entries(effects))
        releases[release.id] = release
        logger.info(
            "release #\(release.id) of \(plan.application.name): \(previous.joined(separator: ",")) → \(images.joined(separator: ","))")
        wakeUp?.yield()
        return release
    }

    static func entries(_ effects: [ReleaseEffect]) -> [TimelineEntry] {
        effects.compactMap { if case .record(let entry) = $0 { entry } else { nil } }
    }

    static func images(_ deployment: ManifestValue) -> [String] {
        (deployment.value(at: ["spec", "template", "spec", "containers"])?.array ?? []).compactMap { $0["image"]?.string }
    }

    /// The GitOps commit, and the CI run behind it when its message carries a `Slipway-Run:` trailer.
    func provenance(_ application: Application, revision: String) async -> [TimelineEntry] {
        var directory = GitRevisions.gitDirectory(application.repository)
        if directory == nil, let engine {
            directory = try? await engine.revisions.checkout(repository: application.repository, revision: revision)
        }
        guard let directory else { return [] }
        let git = Git(directory: directory)
        let message = (try? await git.run(["log", "-1", "--format=%B", revision])) ?? ""
        let author = (try? await git.run(["log", "-1", "--format=%an <%ae> %cI", revision])) ?? ""
        let subject = message.split(separator: "\n").first.map(String.init) ?? ""
        let now = clock()
        var entries = [
            TimelineEntry(
                at: now, kind: .commit, summary: "\(revision.prefix(12)) \(subject)",
                detail: ["revision": revision, "author": author, "repository": application.repository])
        ]
        for line in message.split(separator: "\n") where line.hasPrefix("Slipway-Run:") {
            let run = line.dropFirst("Slipway-Run:".count).trimmingCharacters(in: .whitespaces)
            entries.append(TimelineEntry(at: now, kind: .ciRun, summary: "CI run \(run) built and pushed the image", detail: ["run": run]))
        }
        return entries
    }

    // MARK: Gates

    /// `slipway rollout promote` in process: records the decision (as the command does) for the next tick.
    @discardableResult
    public func promote(_ application: String, by actor: String, reason: String? = nil) async throws -> Release {
        try await decide(.promote, application: application, actor: actor, reason: reason)
    }

    /// `slipway rollout abort` in process: traffic back to the primary at the next tick, then the rollback.
    @discardableResult
    public func abort(_ application: String, by actor: String, reason: String? = nil) async throws -> Release {
        try await decide(.abort, application: application, actor: actor, reason: reason)
    }

    func decide(_ action: GateDecision.Action, application: String, actor: String, reason: String?) async throws -> Release {
        let release = try ReleaseRecords(store: log.store).decide(action, application: application, actor: actor, reason: reason)
        wakeUp?.yield()
        return release
    }
}
