import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO

/// The store in PostgreSQL (through postgres-nio), for several `slipway server` replicas on one database.
///
/// Each body runs in one transaction on a connection of a small pool. Write transactions first take one
/// transaction-scoped advisory lock, as SQLite's writers take its one write lock: every check-then-write the store makes
/// (a delivery queued once, an event claimed by one worker, a pipeline's next number) stays right across replicas, and
/// reads never wait for it. Read transactions see one snapshot (REPEATABLE READ).
///
/// The store's API is synchronous (as SQLite's is), so a statement waits on its connection's event loop: a round trip
/// blocks the calling thread, as a SQLite write blocks it on the file.
public final class PostgresStoreDatabase: SQLDatabase, @unchecked Sendable {
    // @unchecked: `idle`, `open` and `isClosed` are only read and written with `condition` locked.
    public let location: PostgresLocation
    public var dialect: SQLDialect { .postgres }
    let configuration: PostgresConnection.Configuration
    private let capacity: Int
    private let logger: Logger
    private let condition = NSCondition()
    private var idle: [PostgresConnection] = []
    private var open = 0
    private var opened = 0
    private var isClosed = false

    /// The advisory lock writers serialize on, and the one the migrations hold ("slipway" in ASCII, and + 1).
    static let writeLock: Int64 = 0x736C_6970_7761_79
    static let migrationLock: Int64 = writeLock + 1

    /// Connects (at most `capacity` connections, opened as needed) and brings the schema up to date.
    public init(_ location: PostgresLocation, password: String?, capacity: Int = 8, logger: Logger = Logger(label: "slipway.store")) throws
    {
        self.location = location
        self.capacity = max(1, capacity)
        self.logger = logger
        configuration = try Self.configuration(location, password: password)
        try migrate()
    }

    deinit { close() }

    public func read<T>(_ body: (any SQLConnection) throws -> T) throws -> T {
        try transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", lock: nil, body)
    }

    public func write<T>(_ body: (any SQLConnection) throws -> T) throws -> T {
        try transaction("BEGIN", lock: Self.writeLock, body)
    }

    public func readiness() throws -> StoreReadiness {
        let applied = try read { connection in
            Set(try connection.query("SELECT identifier FROM slipway_migrations", []).compactMap { $0["identifier"].text })
        }
        let known = Set(StoreSchema.migrations.map(\.identifier))
        return StoreReadiness(
            backend: "postgres", applied: applied.intersection(known).count, known: known.count,
            unknown: applied.subtracting(known).sorted())
    }

    public func close() {
        condition.lock()
        isClosed = true
        let connections = idle
        idle = []
        open -= connections.count
        condition.broadcast()
        condition.unlock()
        for connection in connections { Self.close(connection) }
    }

    /// Applies the migrations this database lacks, in one transaction holding the migrations' lock: replicas starting
    /// together migrate once.
    func migrate() throws {
        try transaction("BEGIN", lock: Self.migrationLock) { connection in
            try connection.query(
                "CREATE TABLE IF NOT EXISTS slipway_migrations (identifier TEXT PRIMARY KEY, appliedAt DOUBLE PRECISION NOT NULL)", [])
            let applied = Set(try connection.query("SELECT identifier FROM slipway_migrations", []).compactMap { $0["identifier"].text })
            for migration in StoreSchema.migrations where !applied.contains(migration.identifier) {
                for statement in migration.statements(.postgres) { try connection.query(statement, []) }
                try connection.query(
                    "INSERT INTO slipway_migrations (identifier, appliedAt) VALUES ($1, $2)",
                    [.text(migration.identifier), .real(Date().timeIntervalSince1970)])
            }
        }
    }

    // MARK: Transactions

    func transaction<T>(_ begin: String, lock: Int64?, _ body: (any SQLConnection) throws -> T) throws -> T {
        let connection = try checkout()
        var reusable = true
        defer { checkin(connection, reusable: reusable) }
        let session = Connection(connection: connection, logger: logger)
        do {
            try session.run(begin, [])
            if let lock { try session.run("SELECT pg_advisory_xact_lock($1)", [.integer(lock)]) }
            let result = try body(session)
            try session.run("COMMIT", [])
            return result
        } catch {
            if connection.isClosed {
                reusable = false
            } else {
                do { try session.run("ROLLBACK", []) } catch { reusable = false }
            }
            // The body's own errors (a refused review, a name taken) reach the caller as they are.
            throw error is PSQLError ? Self.wrap(error) : error
        }
    }

    private func checkout() throws -> PostgresConnection {
        condition.lock()
        while true {
            if isClosed {
                condition.unlock()
                throw StoreDatabaseError.closed
            }
            if let connection = idle.popLast() {
                if connection.isClosed {
                    open -= 1
                    continue
                }
                condition.unlock()
                return connection
            }
            if open < capacity {
                open += 1
                opened += 1
                let id = opened
                condition.unlock()
                do {
                    return try PostgresConnection.connect(
                        on: MultiThreadedEventLoopGroup.singleton.next(), configuration: configuration, id: id, logger: logger
                    ).wait()
                } catch {
                    condition.lock()
                    open -= 1
                    condition.signal()
                    condition.unlock()
                    throw StoreDatabaseError.unreachable(location.description, Self.reason(error))
                }
            }
            condition.wait()
        }
    }

    private func checkin(_ connection: PostgresConnection, reusable: Bool) {
        condition.lock()
        if reusable, !isClosed, !connection.isClosed {
            idle.append(connection)
        } else {
            open -= 1
            condition.signal()
            condition.unlock()
            Self.close(connection)
            return
        }
        condition.signal()
        condition.unlock()
    }

    /// Closes a connection and waits for it (postgres-nio requires a connection closed before it is released).
    private static func close(_ connection: PostgresConnection) {
        guard !connection.isClosed else { return }
        do { try connection.close().wait() } catch {}
    }

    /// Why a connection failed: the server's words (a refused password), else the network's (a refused connection).
    static func reason(_ error: any Error) -> String {
        guard let psql = error as? PSQLError else { return "\(error)" }
        if let message = psql.serverInfo?[.message] { return message }
        if let underlying = psql.underlying { return "\(underlying)" }
        return "\(psql.code)"
    }

    static func wrap(_ error: any Error) -> StoreDatabaseError {
        if let known = error as? StoreDatabaseError { return known }
        if let psql = error as? PSQLError {
            if let message = psql.serverInfo?[.message] {
                return .failed(message: message, sqlState: psql.serverInfo?[.sqlState])
            }
            return .failed(message: "\(psql.code)", sqlState: nil)
        }
        return .failed(message: "\(type(of: error)): \(error)", sqlState: nil)
    }

    static func configuration(_ location: PostgresLocation, password: String?) throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS
        switch location.tls {
        case .disable:
            tls = .disable
        case .prefer, .require:
            var settings = TLSConfiguration.makeClientConfiguration()
            settings.certificateVerification = .none
            let context = try NIOSSLContext(configuration: settings)
            tls = location.tls == .prefer ? .prefer(context) : .require(context)
        case .verifyFull:
            var settings = TLSConfiguration.makeClientConfiguration()
            settings.certificateVerification = .fullVerification
            if let file = location.rootCertificate {
                do {
                    settings.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(file))
                } catch {
                    throw StoreDatabaseError.invalidLocation(location.description, "cannot read sslrootcert \(file): \(error)")
                }
            }
            tls = .require(try NIOSSLContext(configuration: settings))
        }
        return PostgresConnection.Configuration(
            host: location.host, port: location.port, username: location.user, password: password, database: location.database, tls: tls)
    }

    /// One pooled connection inside a transaction.
    struct Connection: SQLConnection {
        let connection: PostgresConnection
        let logger: Logger
        var dialect: SQLDialect { .postgres }

        func query(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow] {
            try run(SQLDialect.postgres.statement(sql), arguments)
        }

        @discardableResult
        func run(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow] {
            var binds = PostgresBindings(capacity: arguments.count)
            for argument in arguments {
                switch argument {
                case .null: binds.appendNull()
                case .integer(let number): binds.append(number)
                case .real(let number): binds.append(number)
                case .text(let text): binds.append(text)
                case .blob(let bytes): binds.append(ByteBuffer(bytes: bytes))
                case .bool(let flag): binds.append(flag)
                }
            }
            let result = try connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger).wait()
            return try result.rows.map { row in SQLRow(try row.map { cell in (cell.columnName, try Self.value(cell)) }) }
        }

        static func value(_ cell: PostgresCell) throws -> SQLValue {
            guard cell.bytes != nil else { return .null }
            switch cell.dataType {
            case .int2, .int4, .int8: return .integer(try cell.decode(Int64.self))
            case .float4, .float8: return .real(try cell.decode(Double.self))
            case .bool: return .bool(try cell.decode(Bool.self))
            case .bytea: return .blob(Array(try cell.decode(ByteBuffer.self).readableBytesView))
            default: return .text(try cell.decode(String.self))
            }
        }
    }
}
