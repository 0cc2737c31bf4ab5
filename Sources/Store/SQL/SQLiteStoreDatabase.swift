import Foundation
import GRDB

/// The store in a SQLite file (through GRDB): the embedded default, shared by the processes of one machine.
public final class SQLiteStoreDatabase: SQLDatabase {
    let queue: DatabaseQueue
    public let path: String
    public var dialect: SQLDialect { .sqlite }

    /// Opens (creating and migrating when needed) the store at `path`.
    public init(path: String) throws {
        self.path = path
        queue = try StoreSchema.open(path)
    }

    public func read<T>(_ body: (any SQLConnection) throws -> T) throws -> T {
        try queue.read { db in try body(Connection(db: db)) }
    }

    public func write<T>(_ body: (any SQLConnection) throws -> T) throws -> T {
        try queue.write { db in try body(Connection(db: db)) }
    }

    public func readiness() throws -> StoreReadiness {
        let applied = try queue.read { db in try StoreSchema.migrator().appliedIdentifiers(db) }
        let known = Set(StoreSchema.migrations.map(\.identifier))
        return StoreReadiness(
            backend: "sqlite", applied: applied.intersection(known).count, known: known.count, unknown: applied.subtracting(known).sorted())
    }

    public func close() {}

    struct Connection: SQLConnection {
        let db: Database
        var dialect: SQLDialect { .sqlite }

        func query(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow] {
            let statement = try db.cachedStatement(sql: sql)
            let bound = StatementArguments(arguments.map(Self.databaseValue))
            guard statement.columnCount > 0 else {
                try statement.execute(arguments: bound)
                return []
            }
            return try Row.fetchAll(statement, arguments: bound).map { row in
                SQLRow(zip(row.columnNames, row.databaseValues).map { ($0, Self.sqlValue($1)) })
            }
        }

        static func databaseValue(_ value: SQLValue) -> DatabaseValue {
            switch value {
            case .null: .null
            case .integer(let number): number.databaseValue
            case .real(let number): number.databaseValue
            case .text(let text): text.databaseValue
            case .blob(let bytes): Data(bytes).databaseValue
            case .bool(let flag): flag.databaseValue
            }
        }

        static func sqlValue(_ value: DatabaseValue) -> SQLValue {
            switch value.storage {
            case .null: .null
            case .int64(let number): .integer(number)
            case .double(let number): .real(number)
            case .string(let text): .text(text)
            case .blob(let data): .blob([UInt8](data))
            }
        }
    }
}
