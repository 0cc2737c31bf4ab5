import Foundation
import GitOps
import Store

/// Keeps releases and their timelines in the Store (and in memory, for a process without one), and sync records.
public actor ReleaseLog: SyncHistory {
    public let store: DeliveryStore?
    private var releases: [Int64: Release] = [:]
    private var timelines: [Int64: [ReleaseEvent]] = [:]
    private var syncs: [SyncRecord] = []
    private var nextID: Int64 = 1
    private let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    public init(store: DeliveryStore?) { self.store = store }

    /// Stores a new release and returns it with its id.
    func create(_ make: (Int64) -> Release) throws -> Release {
        var release = make(0)
        if let store {
            release.id = try store.insert(row(release))
        } else {
            release.id = nextID
            nextID += 1
        }
        releases[release.id] = release
        try? store?.update(row(release))
        return release
    }

    func save(_ release: Release) {
        releases[release.id] = release
        try? store?.update(row(release))
    }

    func append(_ event: ReleaseEvent, to release: Int64) {
        timelines[release, default: []].append(event)
        let detail = (try? String(decoding: encoder.encode(event.detail), as: UTF8.self)) ?? "{}"
        try? store?.append(DeliveryStore.EventRow(releaseId: release, at: event.at.timeIntervalSince1970, kind: event.kind.rawValue,
                                                  summary: event.summary, detail: detail))
    }

    public func timeline(of release: Int64) -> [ReleaseEvent] { timelines[release] ?? [] }

    public func release(_ id: Int64) -> Release? { releases[id] }

    public func all() -> [Release] { releases.values.sorted { $0.id < $1.id } }

    func decisions(for release: Release) -> [DeliveryStore.GateRow] {
        (try? store?.takeDecisions(application: release.application, releaseId: release.id)) ?? []
    }

    private func row(_ release: Release) -> DeliveryStore.ReleaseRow {
        DeliveryStore.ReleaseRow(id: release.id == 0 ? nil : release.id, application: release.application, environment: release.environment,
                                 revision: release.revision, phase: release.phase.rawValue, summary: release.summary,
                                 startedAt: release.startedAt.timeIntervalSince1970, finishedAt: release.finishedAt?.timeIntervalSince1970,
                                 detail: (try? String(decoding: encoder.encode(release), as: UTF8.self)) ?? "{}")
    }

    // MARK: SyncHistory

    public func append(_ record: SyncRecord) {
        syncs.append(record)
        if let detail = try? String(decoding: encoder.encode(record), as: UTF8.self) {
            try? store?.append(DeliveryStore.SyncRow(application: record.application, revision: record.revision,
                                                     startedAt: record.startedAt.timeIntervalSince1970, phase: record.phase.rawValue, detail: detail))
        }
    }

    public func records(application: String?, limit: Int) -> [SyncRecord] {
        Array(syncs.filter { application == nil || $0.application == application }.suffix(limit))
    }
}
