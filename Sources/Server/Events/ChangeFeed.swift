import Foundation
import GitOps
import Logging
import Releases
import ServiceLifecycle
import Store

/// What changes in the server's state — deliveries, runs, releases, syncs — as one numbered feed for
/// `GET /api/v1/events`. Changes are found by comparing the newest rows after each change the server itself announces
/// (a delivery's end, a log batch, a sync) and at least every second, since releases move on their own and other
/// processes (`slipway rollout promote`, `gitops watch`) may share the delivery store; SQLite tells no one of a commit.
actor ChangeFeed: Service {
    struct Entry: Sendable {
        var id: UInt64
        var kind: String
        var data: String
    }

    /// The newest rows' states, to compare.
    struct Snapshot: Sendable, Equatable {
        var deliveries: [Int64: String] = [:]
        var runs: [Int64: String] = [:]
        var releases: [Int64: String] = [:]
        var syncs: Set<String> = []
        /// Sync status and health by application, as the sync controller last compared them.
        var statuses: [String: String] = [:]
    }

    static let capacity = 2000

    let store: ServerStore
    let releases: ReleaseRecords
    let announcements: [ChangeCounter]
    /// The declared applications' kept statuses (`sync|health`), read on every comparison.
    let statuses: @Sendable () async -> [String: String]
    /// Per delivery, how far its runs' jobs got (jobs started/finished): a run's page follows its jobs.
    let jobProgress: @Sendable () async -> [Int64: String]
    let logger: Logger
    /// Tells streams that entries were added.
    nonisolated let published = ChangeCounter()
    /// Ids are this server's: a client's `Last-Event-ID` from before a restart is recognised as such.
    nonisolated let boot = TokenAuthority.randomHex(bytes: 4)
    private var entries: [Entry] = []
    private var nextId: UInt64 = 1
    private var snapshot = Snapshot()

    init(
        store: ServerStore, releases: ReleaseRecords, announcements: [ChangeCounter],
        statuses: @escaping @Sendable () async -> [String: String] = { [:] },
        jobProgress: @escaping @Sendable () async -> [Int64: String] = { [:] }, logger: Logger
    ) {
        self.store = store
        self.releases = releases
        self.announcements = announcements
        self.statuses = statuses
        self.jobProgress = jobProgress
        self.logger = logger
    }

    func run() async throws {
        if let first = try? take(statuses: await statuses(), jobProgress: await jobProgress()) { snapshot = first.snapshot }
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let seen = self.announcements.map(\.value)
                await Self.firstOf(self.announcements, beyond: seen, orAfter: .seconds(1))
                await self.compare()
            }
        }
    }

    /// Entries after `id` (the oldest kept when it is older), and whether some in between were dropped.
    func entries(after id: UInt64) -> (entries: [Entry], lost: Bool) {
        let oldest = entries.first?.id ?? nextId
        return (entries.filter { $0.id > id }, id + 1 < oldest)
    }

    /// The id of the newest entry (0 before the first).
    var newestId: UInt64 { nextId - 1 }

    private func compare() async {
        let statuses = await self.statuses()
        let jobProgress = await self.jobProgress()
        do {
            let (next, changes) = try take(statuses: statuses, jobProgress: jobProgress)
            for (kind, data) in changes(snapshot) { append(kind, data) }
            snapshot = next
        } catch {
            logger.warning("cannot read the state for the event feed: \(error)")
        }
    }

    private func append(_ kind: String, _ data: String) {
        entries.append(Entry(id: nextId, kind: kind, data: data))
        nextId += 1
        if entries.count > Self.capacity { entries.removeFirst(entries.count - Self.capacity) }
        published.bump()
    }

    /// The state now, and a function giving what changed since an earlier state (kind and JSON).
    private func take(statuses: [String: String], jobProgress: [Int64: String]) throws -> (
        snapshot: Snapshot, changes: (Snapshot) -> [(String, String)]
    ) {
        let deliveries = try store.events(projectId: nil, beforeId: nil, limit: 200)
        var filter = RunFilter()
        filter.serverOnly = true
        let runs = try store.runs(filter: filter, limit: 200)
        let releaseList = try releases.list(limit: 100)
        let syncs = try releases.syncs(limit: 100)
        var next = Snapshot()
        for row in deliveries { if let id = row.id { next.deliveries[id] = row.state } }
        func state(_ run: RunStore.Run) -> String { "\(run.status)|\(run.result)|\(run.eventId.flatMap { jobProgress[$0] } ?? "")" }
        for run in runs { if let id = run.id { next.runs[id] = state(run) } }
        for release in releaseList {
            next.releases[release.id] = Self.fingerprint(release)
        }
        func key(_ record: SyncRecord) -> String { "\(record.application)|\(record.startedAt.timeIntervalSince1970)|\(record.revision)" }
        for record in syncs { next.syncs.insert(key(record)) }
        next.statuses = statuses
        let changes = { (before: Snapshot) -> [(String, String)] in
            var out: [(String, String)] = []
            func json(_ value: some Encodable) -> String {
                String(decoding: (try? APIReply.encoder.encode(value)) ?? Data("{}".utf8), as: UTF8.self)
            }
            for row in deliveries.reversed() where row.id.map({ before.deliveries[$0] != row.state }) == true {
                out.append(("delivery", json(DeliveryJSON(row))))
            }
            for run in runs.reversed() where run.id.map({ before.runs[$0] != state(run) }) == true {
                out.append(("run", json(RunJSON(run))))
            }
            for release in releaseList.reversed() where before.releases[release.id] != next.releases[release.id] {
                out.append(("release", json(ReleaseJSON(release))))
            }
            for record in syncs where !before.syncs.contains(key(record)) {
                out.append(("sync", json(ApplicationSyncJSON(application: record.application, sync: SyncJSON(record)))))
            }
            for (application, status) in statuses.sorted(by: { $0.key < $1.key }) where before.statuses[application] != status {
                let parts = status.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
                out.append(
                    (
                        "status",
                        json(ApplicationStatusJSON(application: application, syncStatus: parts.first ?? "", health: parts.last ?? ""))
                    ))
            }
            return out
        }
        return (next, changes)
    }

    /// Returns when one of `counters` passes what was `seen`, or after `limit`.
    static func firstOf(_ counters: [ChangeCounter], beyond seen: [UInt64], orAfter limit: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            for (counter, value) in zip(counters, seen) { group.addTask { await counter.wait(beyond: value) } }
            group.addTask { try? await Task.sleep(for: limit) }
            await group.next()
            group.cancelAll()
        }
    }

    /// What a release's page shows changes with: its phase, step, weight, gate and every measurement taken (a chart
    /// grows while nothing else moves).
    static func fingerprint(_ release: Release) -> String {
        var runs = release.background.map { [$0] } ?? []
        if case .stepping(_, .analysing(let run)) = release.state { runs.append(run) }
        let measurements = runs.reduce(0) { total, run in total + run.results.values.reduce(0) { $0 + $1.count } }
        return "\(release.phase.rawValue)|\(release.stepIndex)|\(release.canaryWeight)|\(release.waitingAtGate)|\(measurements)"
    }
}

/// An application's sync status or health changed, as the sync controller compared it.
struct ApplicationStatusJSON: Encodable {
    var application: String
    var syncStatus: String
    var health: String

    enum CodingKeys: String, CodingKey {
        case application
        case syncStatus = "sync_status"
        case health
    }
}

/// A sync in the event feed: which application.
struct ApplicationSyncJSON: Encodable {
    var application: String
    var sync: SyncJSON
}
