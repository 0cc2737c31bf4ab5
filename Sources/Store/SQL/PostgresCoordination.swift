import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import Synchronization

/// What `slipway server` replicas on one PostgreSQL database coordinate through, besides rows: one leader, chosen by an
/// advisory lock held by a session of its own (when the leader's process dies, its session ends, the lock is free and
/// another replica takes it), and wake-ups through LISTEN/NOTIFY on one channel.
public final class PostgresCoordination: Sendable {
    public static let channel = "slipway"
    /// The leader's lock ("slipway" in ASCII, + 2).
    public static let leaderLock: Int64 = PostgresStoreDatabase.writeLock + 2

    let database: PostgresStoreDatabase
    let logger: Logger
    /// Notices not sent yet, each once, and whether a sender is at work.
    private let outbox = Mutex<(pending: [String], sending: Bool)>(([], false))

    public init(database: PostgresStoreDatabase, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    /// Tells every replica (this one too) `payload` on the channel, without waiting for it. Notices are wake-ups, so
    /// the same notice asked for again before it went out goes out once: a burst of log batches or job changes costs
    /// one NOTIFY per round trip, not one each.
    public func notify(_ payload: String) {
        let startSender = outbox.withLock { box in
            if !box.pending.contains(payload) { box.pending.append(payload) }
            if box.sending { return false }
            box.sending = true
            return true
        }
        guard startSender else { return }
        Task.detached { self.sendPending() }
    }

    private func sendPending() {
        while true {
            let batch = outbox.withLock { box in
                defer { box.pending.removeAll() }
                if box.pending.isEmpty { box.sending = false }
                return box.pending
            }
            guard !batch.isEmpty else { return }
            do { try database.notify(Self.channel, batch) } catch { logger.warning("cannot notify the replicas: \(error)") }
        }
    }

    /// Until the task is cancelled: true when this replica became the leader, false when it stopped being it (its
    /// session was lost). A replica that is not the leader tries again every `interval`, and the leader checks its
    /// session as often, so a dead leader is replaced within about `interval` of its session's end.
    public func leadership(interval: Duration = .seconds(1)) -> AsyncStream<Bool> {
        let (stream, sink) = AsyncStream.makeStream(of: Bool.self)
        let task = Task {
            var leading = false
            while !Task.isCancelled {
                do {
                    try await database.withSession(logger: logger) { connection in
                        while !Task.isCancelled {
                            if leading {
                                _ = try await Self.bool(connection, "SELECT true")
                            } else if try await Self.bool(connection, "SELECT pg_try_advisory_lock(\(Self.leaderLock))") {
                                leading = true
                                sink.yield(true)
                            }
                            try await Task.sleep(for: interval)
                        }
                    }
                } catch {
                    if !Task.isCancelled { logger.warning("leader election's session: \(error)") }
                }
                if leading {
                    leading = false
                    sink.yield(false)
                }
                try? await Task.sleep(for: interval)
            }
            sink.finish()
        }
        sink.onTermination = { _ in task.cancel() }
        return stream
    }

    /// The channel's payloads until the task is cancelled; after its session was lost and made again, `reconnected`
    /// (what was told meanwhile is lost: a listener looks at everything again).
    public func notifications(reconnected: String = "reconnected", interval: Duration = .seconds(1)) -> AsyncStream<String> {
        let (stream, sink) = AsyncStream.makeStream(of: String.self)
        let task = Task {
            var first = true
            while !Task.isCancelled {
                do {
                    try await database.withSession(logger: logger) { connection in
                        let notifications = try await connection.listen(Self.channel)
                        if !first { sink.yield(reconnected) }
                        first = false
                        for try await notification in notifications { sink.yield(notification.payload) }
                    }
                } catch {
                    if !Task.isCancelled { logger.warning("LISTEN \(Self.channel): \(error)") }
                }
                try? await Task.sleep(for: interval)
            }
            sink.finish()
        }
        sink.onTermination = { _ in task.cancel() }
        return stream
    }

    static func bool(_ connection: PostgresConnection, _ sql: String) async throws -> Bool {
        let rows = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: Logger(label: "slipway.store"))
        for try await row in rows { return try row.decode(Bool.self) }
        return false
    }
}

extension PostgresStoreDatabase {
    /// Runs `body` on a connection of its own (not the pool's), closed after it: a session whose end means something
    /// (an advisory lock, LISTEN).
    func withSession<T: Sendable>(logger: Logger, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        let connection = try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.next(), configuration: configuration, id: 0, logger: logger)
        do {
            let result = try await body(connection)
            try? await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// NOTIFY, one per payload in one transaction, outside the writers' lock (a wake-up orders nothing).
    func notify(_ channel: String, _ payloads: [String]) throws {
        try transaction("BEGIN", lock: nil) { connection in
            for payload in payloads { try connection.query("SELECT pg_notify(?, ?)", [.text(channel), .text(payload)]) }
        }
    }
}
