/// The store's database: SQLite in a file (one machine) or PostgreSQL (several server replicas). Each call runs its
/// body in one transaction on one connection, so a body's statements commit together or not at all.
///
/// Bodies are synchronous, as SQLite's are: a body never waits for anything but its own statements, so connections are
/// always given back.
public protocol SQLDatabase: Sendable {
    var dialect: SQLDialect { get }

    /// Runs `body` in a transaction that only reads.
    func read<T>(_ body: (any SQLConnection) throws -> T) throws -> T

    /// Runs `body` in a transaction that writes, committed when it returns and rolled back when it throws.
    func write<T>(_ body: (any SQLConnection) throws -> T) throws -> T

    /// Whether the database answers and has every migration this build knows, and no later one.
    func readiness() throws -> StoreReadiness

    /// Gives the connections back (a PostgreSQL database); the store is not used after.
    func close()
}

/// What `/readyz` reports of the store.
public struct StoreReadiness: Sendable, Hashable, Codable {
    public var backend: String
    public var applied: Int
    public var known: Int
    /// Migrations the database has that this build does not know (a newer Slipway migrated it).
    public var unknown: [String]

    public var isCurrent: Bool { applied == known && unknown.isEmpty }
}
