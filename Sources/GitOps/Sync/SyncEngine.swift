import Core
import Foundation
import Manifests
import TargetKit

/// Brings a target to the state an application's GitOps revision renders to: render in process, compare with
/// normalisation, apply in Argo CD's order under the field manager `slipway-sync`, prune in reverse order, record.
/// Auto-sync policy (once per revision, holds, self-heal) lives here too so every trigger obeys it.
public actor SyncEngine {
    public static let fieldManager = "slipway-sync"
    public static let trackingAnnotation = "slipway.dev/tracking-id"

    public let target: any Target
    public let revisions: GitRevisions
    private let kustomizer: Kustomizer
    private let delegate: (any SyncDelegate)?
    private let history: (any SyncHistory)?
    private let waveDelay: Duration
    private let waveTimeout: Duration

    struct State {
        /// What the last successful sync applied (the candidates for pruning).
        var inventory: Set<ObjectKey> = []
        var lastSynced: String?
        /// Revisions auto-sync tried (successfully or not): tried once each, as Argo CD does.
        var attempted: Set<String> = []
        /// Revisions auto-sync must not deploy (rolled back), when there is no history to keep them in.
        var holds: Set<String> = []
    }

    private var states: [String: State] = [:]
    /// Applications whose state was read back from the history (once per process).
    private var restored: Set<String> = []
    private var rendered: [String: [ManifestValue]] = [:]
    private var running: [String: Task<SyncRecord, any Error>] = [:]
    private var statuses: [String: ApplicationStatus] = [:]

    public init(
        target: any Target, revisions: GitRevisions, kustomizer: Kustomizer = Kustomizer(), delegate: (any SyncDelegate)? = nil,
        history: (any SyncHistory)? = nil, waveDelay: Duration = .seconds(2), waveTimeout: Duration = .seconds(300)
    ) {
        self.target = target
        self.revisions = revisions
        self.kustomizer = kustomizer
        self.delegate = delegate
        self.history = history
        self.waveDelay = waveDelay
        self.waveTimeout = waveTimeout
    }

    // MARK: Rendering and comparing

    /// The objects a revision renders to, with the application's namespace filled in and its tracking annotation.
    public func render(_ application: Application, revision: String) async throws -> [ManifestValue] {
        let cacheKey = "\(application.repository)\n\(revision)\n\(application.path)"
        if let objects = rendered[cacheKey] { return objects }
        let checkout = try await revisions.checkout(repository: application.repository, revision: revision)
        let directory = checkout + "/" + application.path
        guard FileManager.default.fileExists(atPath: directory) else {
            throw SyncError.render(revision: revision, path: application.path, reason: "no such directory in the repository")
        }
        let output: Kustomizer.Output
        do { output = try await kustomizer.build(directory: directory) } catch {
            throw SyncError.render(
                revision: revision, path: application.path, reason: "\(error)".replacingOccurrences(of: checkout + "/", with: ""))
        }
        let waves = SyncOrder.invalidWaves(in: output.resources)
        guard waves.isEmpty else {
            throw SyncError.render(revision: revision, path: application.path, reason: waves.joined(separator: "; "))
        }
        var objects: [ManifestValue] = []
        var unknown: [String] = []
        for var object in output.resources {
            if Self.isSlipwayObject(object) {
                objects.append(object)
                continue
            }
            if object.value(at: ["metadata", "namespace"]) == nil, let key = ObjectKey.of(object), key.kind.isNamespaced {
                object.set(.string(application.namespace), at: ["metadata", "namespace"])
            }
            guard let key = ObjectKey.of(object, defaultNamespace: application.namespace) else {
                unknown.append(
                    "\(object["apiVersion"]?.string ?? "?")/\(object["kind"]?.string ?? "?") "
                        + "\(object.value(at: ["metadata", "name"])?.string ?? "")"
                )
                continue
            }
            object.set(.string(Self.trackingID(application.name, key)), at: ["metadata", "annotations", Self.trackingAnnotation])
            objects.append(object)
        }
        guard unknown.isEmpty else {
            throw SyncError.render(
                revision: revision, path: application.path, reason: "kinds the target does not know: \(unknown.joined(separator: ", "))")
        }
        rendered[cacheKey] = objects
        if rendered.count > 4096 { rendered.removeAll() }
        return objects
    }

    static func isSlipwayObject(_ object: ManifestValue) -> Bool {
        (object["apiVersion"]?.string ?? "").hasPrefix("slipway.dev/")
    }

    static func trackingID(_ application: String, _ key: ObjectKey) -> String {
        "\(application):\(key.kind.group)/\(key.kind.kind):\(key.namespace)/\(key.name)"
    }

    /// Desired against live at `revision` (the branch head when nil), nothing applied.
    public func compare(_ application: Application, revision: String? = nil) async throws -> Comparison {
        // Only the branch head's comparison is the application's status; another revision's is a question about it.
        guard revision == nil else {
            return try await compare(application, revision: try await resolve(application, revision), dryRun: true)
        }
        do {
            let comparison = try await compare(application, revision: try await resolve(application, nil), dryRun: true)
            statuses[application.name] = ApplicationStatus(comparison)
            return comparison
        } catch {
            statuses[application.name] = ApplicationStatus(failure: "\(error)")
            throw error
        }
    }

    private func resolve(_ application: Application, _ revision: String?) async throws -> String {
        if let revision { return revision }
        return try await revisions.head(repository: application.repository, branch: application.branch)
    }

    /// The application's sync state; the first time, read back from the history, so a restarted engine neither
    /// re-syncs a revision it already tried nor forgets what it applied.
    private func restore(_ application: String) async {
        guard !restored.contains(application), let history else { return }
        let records = await history.records(application: application, limit: 500)
        guard !restored.contains(application) else { return }
        restored.insert(application)
        var state = states[application] ?? State()
        for record in records where record.trigger != .manual { state.attempted.insert(record.revision) }
        if let last = records.last(where: { $0.phase == .succeeded }) {
            state.lastSynced = state.lastSynced ?? last.revision
            if state.inventory.isEmpty {
                state.inventory = Set(last.changes.filter { $0.action != .pruned && $0.action != .failed }.map(\.key))
            }
        }
        states[application] = state
    }

    private func compare(_ application: Application, revision: String, dryRun: Bool) async throws -> Comparison {
        await restore(application.name)
        let all = try await render(application, revision: revision)
        var objects = all.filter { !Self.isSlipwayObject($0) }
        var ignored: [ObjectKey: [ManifestDiff.IgnoredPath]] = [:]
        var notes: [String] = []
        if let delegate {
            let adjustment = try await delegate.prepare(
                SyncInput(
                    application: application, revision: revision, objects: objects,
                    slipwayObjects: all.filter(Self.isSlipwayObject), target: target, dryRun: dryRun))
            objects = adjustment.objects
            ignored = adjustment.ignored
            notes = adjustment.notes
        }
        var resources: [Comparison.Resource] = []
        var desiredKeys: Set<ObjectKey> = []
        for object in objects {
            guard let key = ObjectKey.of(object, defaultNamespace: application.namespace) else { continue }
            desiredKeys.insert(key)
            let live = try await target.get(key)
            let differences = live.map { ManifestDiff.differences(desired: object, live: $0, ignoring: ignored[key] ?? []) } ?? ["not live"]
            resources.append(.init(key: key, desired: object, live: live, differences: differences, ignored: ignored[key] ?? []))
        }
        for key in (states[application.name]?.inventory ?? []).subtracting(desiredKeys).sorted() {
            guard let live = try await target.get(key), Self.tracked(live, by: application.name, key) else { continue }
            resources.append(.init(key: key, desired: nil, live: live, differences: ["no longer in git"], ignored: []))
        }
        let comparison = Comparison(revision: revision, resources: resources, notes: notes)
        // A sync's own comparison is what it is about to change: the status is compared again after it.
        if !dryRun { statuses[application.name]?.stale = true }
        return comparison
    }

    /// The newest comparison's sync status and health; nil when the application was never compared.
    public func status(of application: String) -> ApplicationStatus? { statuses[application] }

    /// Every application's kept status at once (a page of hundreds of applications asks once, not once each).
    public func allStatuses() -> [String: ApplicationStatus] { statuses }

    /// Marks what a change made outdated (an object the application owns changed on the target).
    public func invalidateStatus(of application: String) { statuses[application]?.stale = true }

    /// Whether the live object carries this application's tracking id for itself (copies made by others do not).
    static func tracked(_ live: ManifestValue, by application: String, _ key: ObjectKey) -> Bool {
        live.value(at: ["metadata", "annotations", trackingAnnotation])?.string == trackingID(application, key)
    }

    // MARK: Syncing

    /// Syncs `revision` (the branch head when nil). One sync per application at a time; a second caller waits for
    /// the running one and then runs its own.
    @discardableResult
    public func sync(_ application: Application, trigger: SyncRecord.Trigger, revision: String? = nil, prune: Bool? = nil) async throws
        -> SyncRecord
    {
        while let current = running[application.name] { _ = try? await current.value }
        let task = Task {
            try await self.performSync(application, trigger: trigger, revision: revision, prune: prune ?? application.syncPolicy.prune)
        }
        running[application.name] = task
        defer { running[application.name] = nil }
        return try await task.value
    }

    private func performSync(_ application: Application, trigger: SyncRecord.Trigger, revision requested: String?, prune: Bool) async throws
        -> SyncRecord
    {
        await restore(application.name)
        let started = Date()
        let clock = ContinuousClock.now
        var changes: [SyncRecord.Change] = []
        var revision = requested ?? "unknown"
        func finish(_ phase: SyncRecord.Phase, _ message: String, health: Health) async -> SyncRecord {
            let record = SyncRecord(
                application: application.name, environment: application.environment, revision: revision,
                trigger: trigger, startedAt: started, duration: (ContinuousClock.now - clock).seconds,
                phase: phase, message: message, changes: changes, health: health)
            await history?.append(record)
            await delegate?.synced(record)
            statuses[application.name]?.stale = true
            return record
        }
        let comparison: Comparison
        do {
            revision = try await resolve(application, requested)
            comparison = try await compare(application, revision: revision, dryRun: false)
        } catch {
            return await finish(.failed, "\(error)", health: Health(.unknown))
        }
        var state = states[application.name] ?? State()
        do {
            try await ensureNamespace(application, comparison)
            let desiredResources = comparison.resources.filter { $0.desired != nil }
            let waves = SyncOrder.waves(desiredResources.compactMap(\.desired))
            let byKey = Dictionary(desiredResources.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
            for (index, wave) in waves.enumerated() {
                let pending = wave.objects.compactMap { object -> ManifestValue? in
                    guard let key = ObjectKey.of(object, defaultNamespace: application.namespace), let resource = byKey[key] else {
                        return nil
                    }
                    if resource.inSync {
                        changes.append(.init(key: key, action: .unchanged))
                        return nil
                    }
                    return resource.live.map { Self.respectIgnored(object, live: $0, resource.ignored) } ?? object
                }
                guard !pending.isEmpty else { continue }
                let applied = try await target.apply(pending, fieldManager: Self.fieldManager, force: true)
                for object in applied {
                    let action: SyncRecord.Change.Action =
                        switch object.outcome {
                        case .created: .created
                        case .configured: .configured
                        case .unchanged: .unchanged
                        }
                    changes.append(.init(key: object.key, action: action, message: object.warnings.joined(separator: "; ")))
                }
                if index < waves.count - 1 {
                    try await waitHealthy(applied.map(\.key))
                    try await Task.sleep(for: waveDelay)
                }
            }
            let desiredKeys = Set(desiredResources.map(\.key))
            var kept = state.inventory.subtracting(desiredKeys)
            if prune {
                let stale = comparison.resources.filter { $0.desired == nil }.compactMap(\.live)
                for live in SyncOrder.pruneOrder(stale) {
                    guard let key = ObjectKey.of(live) else { continue }
                    _ = try await target.delete(key)
                    kept.remove(key)
                    changes.append(.init(key: key, action: .pruned))
                }
            } else {
                for resource in comparison.resources where resource.desired == nil {
                    changes.append(.init(key: resource.key, action: .unchanged, message: "no longer in git; prune is off"))
                }
            }
            state.inventory = desiredKeys.union(kept)
            state.lastSynced = revision
            states[application.name] = state
        } catch {
            return await finish(.failed, "\(error)", health: await liveHealth(comparison))
        }
        let note = comparison.notes.joined(separator: "; ")
        let changed = changes.filter { $0.action != .unchanged }.count
        let summary = changed == 0 ? "already in sync" : "\(changed) object(s) changed"
        return await finish(.succeeded, note.isEmpty ? summary : "\(summary); \(note)", health: await liveHealth(comparison))
    }

    /// Argo CD's `CreateNamespace=true`: the application's namespace is created when git does not hold it.
    private func ensureNamespace(_ application: Application, _ comparison: Comparison) async throws {
        let needed = Set(comparison.resources.filter { $0.desired != nil && $0.key.kind.isNamespaced }.map(\.key.namespace))
        let declared = Set(comparison.resources.filter { $0.key.kind == .namespace && $0.desired != nil }.map(\.key.name))
        for namespace in needed.subtracting(declared).sorted() where try await target.get(ObjectKey(.namespace, name: namespace)) == nil {
            let object = ManifestValue.object([
                "apiVersion": .string("v1"), "kind": .string("Namespace"),
                "metadata": .object(["name": .string(namespace)]),
            ])
            _ = try await target.apply([object], fieldManager: Self.fieldManager, force: false)
        }
    }

    /// Argo CD's `RespectIgnoreDifferences=true`: the desired object takes the live values of ignored fields, so
    /// applying it leaves what another writer set (VirtualService weights under a canary) as it is.
    static func respectIgnored(_ desired: ManifestValue, live: ManifestValue, _ ignored: [ManifestDiff.IgnoredPath]) -> ManifestValue {
        var result = desired
        for path in ignored { result = copy(path[...], from: live, into: result) }
        return result
    }

    private static func copy(_ path: ArraySlice<String>, from live: ManifestValue, into desired: ManifestValue) -> ManifestValue {
        guard let head = path.first else { return live }
        let rest = path.dropFirst()
        switch (desired, live) {
        case (.object(var fields), .object(let liveFields)):
            for key in head == "*" ? Array(fields.keys) : [head] {
                guard let liveChild = liveFields[key] else { continue }
                fields[key] = fields[key].map { copy(rest, from: liveChild, into: $0) } ?? (rest.isEmpty ? liveChild : nil)
            }
            return .object(fields)
        case (.array(var items), .array(let liveItems)):
            let indices = head == "*" ? Array(items.indices) : Int(head).map { [$0] } ?? []
            for index in indices where items.indices.contains(index) && liveItems.indices.contains(index) {
                items[index] = copy(rest, from: liveItems[index], into: items[index])
            }
            return .array(items)
        default:
            return desired
        }
    }

    /// The application's health after a sync: its desired objects as they are live now.
    private func liveHealth(_ comparison: Comparison) async -> Health {
        var resources: [(desired: Bool, live: ManifestValue?)] = []
        for resource in comparison.resources where resource.desired != nil {
            resources.append((true, try? await target.get(resource.key)))
        }
        return HealthCheck.aggregate(resources)
    }

    private func waitHealthy(_ keys: [ObjectKey]) async throws {
        let deadline = ContinuousClock.now + waveTimeout
        while ContinuousClock.now < deadline {
            var worst = HealthStatus.healthy
            for key in keys {
                guard let live = try await target.get(key) else {
                    worst = max(worst, .missing)
                    continue
                }
                if let health = HealthCheck.health(of: live) { worst = max(worst, health.status) }
            }
            if worst == .healthy || worst == .suspended { return }
            if worst == .degraded { throw SyncError.apply("a resource of the wave is Degraded; later waves were not applied") }
            try await Task.sleep(for: .milliseconds(250))
        }
        throw SyncError.apply("the wave did not become healthy within \(waveTimeout)")
    }

    // MARK: Auto-sync policy

    /// Runs auto-sync for one application if its policy allows it: a new revision once, or drift with self-heal.
    public func autoSync(_ application: Application, trigger: SyncRecord.Trigger = .commit) async throws -> SyncRecord? {
        guard application.syncPolicy.automated else { return nil }
        await restore(application.name)
        let head = try await revisions.head(repository: application.repository, branch: application.branch)
        if await holds(of: application.name).contains(head) { return nil }
        var state = states[application.name] ?? State()
        let isNew = !state.attempted.contains(head)
        if !isNew {
            guard application.syncPolicy.selfHeal, state.lastSynced == head else { return nil }
            let comparison = try await compare(application, revision: head, dryRun: true)
            statuses[application.name] = ApplicationStatus(comparison)
            guard comparison.status == .outOfSync else { return nil }
        }
        state.attempted.insert(head)
        states[application.name] = state
        return try await sync(application, trigger: isNew ? trigger : .selfHeal, revision: head)
    }

    /// Stops auto-sync from deploying `revision` again (after a rollback); a newer commit is synced as usual. Kept in
    /// the history, so it outlives this process.
    public func hold(_ application: String, revision: String, reason: String = "held") async {
        if let history {
            await history.hold(application, revision: revision, reason: reason)
        } else {
            states[application, default: State()].holds.insert(revision)
        }
    }

    public func holds(of application: String) async -> Set<String> {
        if let history { return await history.heldRevisions(of: application) }
        return states[application]?.holds ?? []
    }

    public func lastSynced(_ application: String) -> String? { states[application]?.lastSynced }

    /// Objects the application owns on the target (what the last successful sync applied).
    public func inventory(of application: String) -> Set<ObjectKey> { states[application]?.inventory ?? [] }
}
