import Foundation
import GitOps
import Store

/// Releases as the Store keeps them, for commands that run beside the controller (`slipway release`, `slipway
/// rollout`): reading timelines, and recording gate decisions the controller acts on at its next tick.
public struct ReleaseRecords: Sendable {
    public let store: DeliveryStore

    public init(store: DeliveryStore) { self.store = store }

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return decoder
    }()

    public func list(application: String? = nil, limit: Int = 50) throws -> [Release] {
        try store.releases(application: application, limit: limit).compactMap(Self.release)
    }

    public func show(_ id: Int64) throws -> (Release, [ReleaseEvent])? {
        guard let row = try store.release(id), let release = Self.release(row) else { return nil }
        let events = try store.events(ofRelease: id).map { row in
            ReleaseEvent(at: Date(timeIntervalSince1970: row.at), kind: ReleaseEvent.Kind(rawValue: row.kind) ?? .note, summary: row.summary,
                         detail: (try? Self.decoder.decode([String: String].self, from: Data(row.detail.utf8))) ?? [:])
        }
        return (release, events)
    }

    /// The application's release in progress, if any.
    public func active(_ application: String) throws -> Release? {
        try list(application: application, limit: 1).first.flatMap { $0.phase.isFinal ? nil : $0 }
    }

    public func syncs(application: String? = nil, limit: Int = 100) throws -> [SyncRecord] {
        try store.syncs(application: application, limit: limit).compactMap { try? Self.decoder.decode(SyncRecord.self, from: Data($0.detail.utf8)) }
    }

    /// Records `promote` or `abort` for the application's release in progress; a promote needs a waiting gate.
    @discardableResult
    public func decide(_ action: String, application: String, actor: String) throws -> Release {
        guard let release = try active(application) else { throw CanaryController.GateError.noRelease(application) }
        if action == "promote", !release.waitingAtGate { throw CanaryController.GateError.notAtGate(application, release) }
        try store.record(DeliveryStore.GateRow(application: application, releaseId: release.id, action: action, actor: actor,
                                               at: Date().timeIntervalSince1970))
        return release
    }

    static func release(_ row: DeliveryStore.ReleaseRow) -> Release? {
        try? decoder.decode(Release.self, from: Data(row.detail.utf8))
    }
}
