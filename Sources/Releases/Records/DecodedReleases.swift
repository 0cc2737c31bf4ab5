import Foundation
import Store
import Synchronization

/// Releases as decoded from their rows, kept while a row's text stays the same: a page of hundreds of applications
/// reads hundreds of finished releases that never change again, and decoding each every time would be most of its
/// cost. A row whose text changed (a release moving on) is decoded again.
final class DecodedReleases: Sendable {
    static let shared = DecodedReleases()
    static let capacity = 4096

    private let cache = Mutex<[Int64: (detail: String, release: Release)]>([:])

    func release(_ row: DeliveryStore.ReleaseRow, decode: (DeliveryStore.ReleaseRow) -> Release?) -> Release? {
        guard let id = row.id else { return decode(row) }
        if let hit = cache.withLock({ $0[id] }), hit.detail == row.detail { return hit.release }
        guard let release = decode(row) else { return nil }
        cache.withLock { cache in
            if cache.count >= Self.capacity { cache.removeAll(keepingCapacity: true) }
            cache[id] = (row.detail, release)
        }
        return release
    }
}
