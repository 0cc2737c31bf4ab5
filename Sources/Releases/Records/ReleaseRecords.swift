import Foundation
import GitOps
import Store

/// Reading releases, timelines, sync history and holds for people (`slipway release`, `rollout`, `gitops holds`),
/// and recording the gate decisions a controller acts on at its next tick — also while none runs: it takes them over
/// when it starts.
public struct ReleaseRecords: Sendable {
    public let store: DeliveryStore

    public init(store: DeliveryStore) { self.store = store }

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return decoder
    }()

    public func list(application: String? = nil, limit: Int = 50) throws -> [Release] {
        try store.releases(application: application, limit: limit).compactMap { DecodedReleases.shared.release($0, decode: Self.release) }
    }

    public func show(_ id: Int64) throws -> (Release, [TimelineEntry])? {
        guard let row = try store.release(id), let release = Self.release(row) else { return nil }
        return (release, try store.events(ofRelease: id).map(Self.entry))
    }

    /// What an overview shows of one application's releases.
    public struct Latest: Sendable {
        /// In progress when not final.
        public var newest: Release
        public var lastSucceeded: Release?
        public var lastFinished: Release?

        /// The release in progress, if any.
        public var active: Release? { newest.state.isFinal ? nil : newest }
    }

    /// Every application's newest, last succeeded and last finished release, by application (one query).
    public func latestByApplication() throws -> [String: Latest] {
        var latest: [String: Latest] = [:]
        // Newest first: the first row of an application is its newest release.
        for release in try store.latestReleases().compactMap({ DecodedReleases.shared.release($0, decode: Self.release) }) {
            var entry = latest[release.application] ?? Latest(newest: release)
            if entry.lastSucceeded == nil, release.phase == .succeeded { entry.lastSucceeded = release }
            if entry.lastFinished == nil, release.state.isFinal { entry.lastFinished = release }
            latest[release.application] = entry
        }
        return latest
    }

    /// The application's release in progress, if any.
    public func active(_ application: String) throws -> Release? {
        try list(application: application, limit: 1).first.flatMap { $0.state.isFinal ? nil : $0 }
    }

    public func syncs(application: String? = nil, limit: Int = 100) throws -> [SyncRecord] {
        try store.syncs(application: application, limit: limit).compactMap {
            try? Self.decoder.decode(SyncRecord.self, from: Data($0.detail.utf8))
        }
    }

    /// Records a decision for the application's release in progress; a promote needs a waiting gate.
    @discardableResult
    public func decide(_ action: GateDecision.Action, application: String, actor: String, reason: String? = nil) throws -> Release {
        guard let release = try active(application) else { throw GateError.noRelease(application) }
        if action == .promote, !release.waitingAtGate { throw GateError.notAtGate(application, release) }
        if case .aborting = release.state { throw GateError.ending(application, release) }
        let recorded = try store.record(
            DeliveryStore.GateRow(
                application: application, releaseId: release.id, action: action.rawValue,
                actor: actor, reason: reason, at: Date().timeIntervalSince1970))
        guard recorded else { throw GateError.noRelease(application) }
        return release
    }

    // MARK: Holds

    public func holds(application: String? = nil, includeRemoved: Bool = false) throws -> [DeliveryStore.HoldRow] {
        try store.holds(application: application, includeRemoved: includeRemoved)
    }

    /// Lifts a hold (a unique prefix of the revision is enough); nil when no hold in force matches.
    public func removeHold(application: String, revision: String, by actor: String, reason: String) throws -> DeliveryStore.HoldRow? {
        try store.removeHold(application: application, revision: revision, by: actor, reason: reason, at: Date().timeIntervalSince1970)
    }

    /// The row's id is the release's id: a release is stored before its id is known, so the detail written with
    /// the insert says 0 until the update that follows it (or for ever, if the process died in between).
    static func release(_ row: DeliveryStore.ReleaseRow) -> Release? {
        guard var release = try? decoder.decode(Release.self, from: Data(row.detail.utf8)) else { return nil }
        if let id = row.id { release.id = id }
        return release
    }

    static func entry(_ row: DeliveryStore.EventRow) -> TimelineEntry {
        TimelineEntry(
            at: Date(timeIntervalSince1970: row.at), kind: TimelineEntry.Kind(rawValue: row.kind) ?? .note, summary: row.summary,
            detail: (try? decoder.decode([String: String].self, from: Data(row.detail.utf8))) ?? [:])
    }
}
