import Foundation

extension DeliveryStore {
    /// Who runs a controller over this store: one holder at a time, so two processes never carry out the same
    /// release's effects. A holder renews it; another takes it when it goes stale, or at once when the holder's
    /// process on this host is gone.
    public struct LeaseRow: Codable, Sendable, Hashable, StoredRecord {
        public static let tableName = "controllerLease"
        public static let keyColumns = ["name"]
        public var name: String
        public var holder: String
        public var pid: Int32
        public var host: String
        public var heartbeatAt: Double

        public init(name: String, holder: String, pid: Int32, host: String, heartbeatAt: Double) {
            self.name = name
            self.holder = holder
            self.pid = pid
            self.host = host
            self.heartbeatAt = heartbeatAt
        }
    }

    /// Takes or renews the lease `name` for `holder`; answers the holder that has it afterwards (`holder` on success).
    public func acquireLease(_ name: String, holder: String, ttl: Double, now: Double) throws -> LeaseRow {
        try database.write { db in
            let host = ProcessInfo.processInfo.hostName
            let mine = LeaseRow(name: name, holder: holder, pid: getpid(), host: host, heartbeatAt: now)
            if let current = try db.fetchOne(LeaseRow.self, "SELECT * FROM controllerLease WHERE name = ?", name), current.holder != holder
            {
                let stale = now - current.heartbeatAt > ttl
                let holderGone = current.host == host && kill(current.pid, 0) != 0 && errno == ESRCH
                guard stale || holderGone else { return current }
            }
            try db.upsert(mine)
            return mine
        }
    }

    /// Gives the lease up (on a clean shutdown), if `holder` has it.
    public func releaseLease(_ name: String, holder: String) throws {
        try database.write { db in
            try db.query("DELETE FROM controllerLease WHERE name = ? AND holder = ?", name, holder)
        }
    }
}
