import Foundation
import GitOps
import Store

/// Releases (state, plan, pending effects and measurements included), their timelines, sync records, holds and gate
/// decisions in the store — the source of truth: a controller that starts reads its work from here. A release's
/// new state and the timeline entries of the same transition are written in one transaction. Every call goes
/// straight to the store (synchronously), so a caller that reads, decides and writes is never interleaved with
/// another writer of its own process.
public struct ReleaseLog: SyncHistory, Sendable {
    public let store: DeliveryStore

    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }

    public init(store: DeliveryStore) { self.store = store }

    // MARK: Releases

    /// Stores a new release with the first entries of its timeline; answers it with its id.
    func create(_ release: Release, entries: [TimelineEntry]) throws -> Release {
        var stored = release
        let rows = try entries.map(Self.row)
        stored.id = try store.insert(try Self.row(release)) { id in
            rows.map { row in
                var row = row
                row.releaseId = id
                return row
            }
        }
        try store.update(try Self.row(stored))
        return stored
    }

    /// A release's new state with the timeline entries of the same transition and the decision it acted on, atomically.
    func save(_ release: Release, entries: [TimelineEntry], consuming decision: Int64? = nil) throws {
        let rows = try entries.map { entry in
            var row = try Self.row(entry)
            row.releaseId = release.id
            return row
        }
        try store.update(try Self.row(release), appending: rows, consuming: decision.map { [$0] } ?? [])
    }

    /// Adds entries to a release's timeline without touching its state.
    func append(_ entries: [TimelineEntry], to release: Int64) throws {
        for entry in entries {
            var row = try Self.row(entry)
            row.releaseId = release
            try store.append(row)
        }
    }

    /// Releases a controller still has work on, oldest first.
    func activeReleases() throws -> [Release] {
        try store.activeReleases().compactMap(ReleaseRecords.release)
    }

    public func release(_ id: Int64) -> Release? {
        (try? store.release(id)).flatMap { $0 }.flatMap(ReleaseRecords.release)
    }

    /// Every release, oldest first.
    public func all() -> [Release] {
        ((try? store.releases(limit: 100_000)) ?? []).compactMap(ReleaseRecords.release).sorted { $0.id < $1.id }
    }

    public func timeline(of release: Int64) -> [TimelineEntry] {
        ((try? store.events(ofRelease: release)) ?? []).map(ReleaseRecords.entry)
    }

    /// Decisions not yet acted on for this release, oldest first, with their ids: each is marked consumed in the
    /// transaction that saves what it did.
    func pendingDecisions(for release: Release) throws -> [(id: Int64, decision: GateDecision)] {
        try store.pendingDecisions(releaseId: release.id).compactMap { row in
            guard let id = row.id, let action = GateDecision.Action(rawValue: row.action) else { return nil }
            return (id, GateDecision(action, actor: row.actor, reason: row.reason, at: Date(timeIntervalSince1970: row.at)))
        }
    }

    static func row(_ release: Release) throws -> DeliveryStore.ReleaseRow {
        DeliveryStore.ReleaseRow(
            id: release.id == 0 ? nil : release.id, application: release.application, environment: release.environment,
            revision: release.revision, phase: release.phase.rawValue, summary: release.summary,
            startedAt: release.startedAt.timeIntervalSince1970, finishedAt: release.finishedAt?.timeIntervalSince1970,
            detail: String(decoding: try encoder.encode(release), as: UTF8.self), active: release.isActive)
    }

    static func row(_ entry: TimelineEntry) throws -> DeliveryStore.EventRow {
        DeliveryStore.EventRow(
            releaseId: 0, at: entry.at.timeIntervalSince1970, kind: entry.kind.rawValue, summary: entry.summary,
            detail: String(decoding: try encoder.encode(entry.detail), as: UTF8.self))
    }

    // MARK: SyncHistory

    public func append(_ record: SyncRecord) {
        guard let data = try? Self.encoder.encode(record) else { return }
        let detail = String(decoding: data, as: UTF8.self)
        // A sync record that cannot be written is lost to history, not to the sync: the sync already happened.
        try? store.append(
            DeliveryStore.SyncRow(
                application: record.application, revision: record.revision,
                startedAt: record.startedAt.timeIntervalSince1970, phase: record.phase.rawValue, detail: detail))
    }

    public func records(application: String?, limit: Int) -> [SyncRecord] {
        (try? ReleaseRecords(store: store).syncs(application: application, limit: limit)) ?? []
    }

    public func heldRevisions(of application: String) -> Set<String> {
        Set(((try? store.holds(application: application)) ?? []).map(\.revision))
    }

    public func hold(_ application: String, revision: String, reason: String) {
        // The sync engine's own holds come with the rollback it just made; the release's durable effect (below) is
        // the one that must not be lost, and it throws so the controller retries it.
        try? hold(application, revision: revision, reason: reason, release: nil)
    }

    func hold(_ application: String, revision: String, reason: String, release: Int64?) throws {
        try store.addHold(
            DeliveryStore.HoldRow(
                application: application, revision: revision, reason: reason, releaseId: release,
                createdAt: Date().timeIntervalSince1970))
    }
}
