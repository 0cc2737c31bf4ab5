import Core
import Foundation

extension ServerStore {
    /// What ending dead replicas ended: their events (failed) and their processes' runs.
    public struct Reaped: Sendable, Hashable {
        public var replicas: [String] = []
        public var events: [EventRow] = []
        public var runs: [Int64] = []
        /// The beating replica's row was gone (it had been taken for dead) and was written again.
        public var registeredAgain = false
    }

    /// Registers this process as a replica.
    public func register(_ replica: ReplicaRow) throws {
        try database.write { db in try db.upsert(replica) }
    }

    /// Removes a replica that stops (its events are ended by then).
    public func unregister(_ id: String) throws {
        try database.write { db in try db.query("DELETE FROM serverReplica WHERE id = ?", id) }
    }

    public func replicas() throws -> [ReplicaRow] {
        try database.read { db in try db.fetchAll(ReplicaRow.self, "SELECT * FROM serverReplica ORDER BY startedAt, id") }
    }

    /// Ends the replicas that died: on this host, those whose process is gone; elsewhere, those silent for
    /// `ReplicaRow.silence` seconds. Their running events are failed with `reason` (never started again), their runs
    /// ended saying their process ended, and so are running events no replica owns (left by a server from before
    /// replicas). One transaction: two replicas reaping at once end each thing once.
    /// With `beating`, that replica's beat is written first, in the same transaction (its row written again when it was
    /// taken for dead meanwhile).
    public func reapDeadReplicas(reason: String, beating: ReplicaRow? = nil, now: Double = Date().timeIntervalSince1970) throws
        -> Reaped
    {
        let host = RunStore.host
        return try database.write { db in
            var registeredAgain = false
            if var replica = beating, try db.changes("UPDATE serverReplica SET heartbeatAt = ? WHERE id = ?", now, replica.id) == 0 {
                replica.heartbeatAt = now
                try db.upsert(replica)
                registeredAgain = true
            }
            let all = try db.fetchAll(ReplicaRow.self, "SELECT * FROM serverReplica")
            let dead = all.filter { replica in
                replica.host == host
                    ? !ProcessLiveness.isAlive(Int32(truncatingIfNeeded: replica.pid), startedAt: replica.processStart)
                    : now - replica.heartbeatAt > ReplicaRow.silence
            }
            let alive = Set(all.map(\.id)).subtracting(dead.map(\.id))
            var reaped = Reaped(replicas: dead.map(\.id), registeredAgain: registeredAgain)
            let running = try db.fetchAll(
                EventRow.self, "SELECT * FROM serverEvent WHERE state = ? ORDER BY id", EventRow.State.running.rawValue)
            for var event in running where !(event.owner.map(alive.contains) ?? false) {
                event.state = EventRow.State.failed.rawValue
                event.reason = reason
                event.finishedAt = now
                event.owner = nil
                try db.update(event)
                reaped.events.append(event)
            }
            for replica in dead {
                let runs = try db.fetchAll(
                    RunStore.Run.self, "SELECT * FROM run WHERE status <> ? AND host = ? AND pid = ?", RunStore.Run.Status.completed,
                    replica.host, replica.pid)
                for var run in runs {
                    guard let id = run.id else { continue }
                    try RunStore.endOrphaned(
                        &run, reason: "the server running it (\(replica.host), pid \(replica.pid)) ended before the run did", now: now,
                        in: db)
                    reaped.runs.append(id)
                }
                try db.query("DELETE FROM serverReplica WHERE id = ?", replica.id)
            }
            return reaped
        }
    }

    /// Whether the store is shared by replicas (PostgreSQL) rather than one machine's file.
    public var isShared: Bool { database.dialect == .postgres }
}
