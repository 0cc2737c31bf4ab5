/// A connection inside one transaction of the store's database: statements written with `?` placeholders.
public protocol SQLConnection {
    var dialect: SQLDialect { get }

    /// Runs a statement; answers the rows it returned (a SELECT, or a statement with RETURNING).
    @discardableResult
    func query(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow]
}

extension SQLConnection {
    @discardableResult
    public func query(_ sql: String, _ arguments: any SQLBindable...) throws -> [SQLRow] {
        try query(sql, arguments.map(\.sqlValue))
    }

    /// The first column of the first row, if any row and not NULL.
    public func scalar(_ sql: String, _ arguments: any SQLBindable...) throws -> SQLValue? {
        guard let row = try query(sql, arguments.map(\.sqlValue)).first, let value = row.first, !value.isNull else { return nil }
        return value
    }

    /// Runs an UPDATE or DELETE and answers how many rows it changed (through `RETURNING 1`, the same on both).
    public func changes(_ sql: String, _ arguments: any SQLBindable...) throws -> Int {
        try query(sql + " RETURNING 1", arguments.map(\.sqlValue)).count
    }

    public func fetchAll<Record: StoredRecord>(_ type: Record.Type, _ sql: String, _ arguments: any SQLBindable...) throws -> [Record] {
        try query(sql, arguments.map(\.sqlValue)).map { try $0.decode(Record.self) }
    }

    public func fetchOne<Record: StoredRecord>(_ type: Record.Type, _ sql: String, _ arguments: any SQLBindable...) throws -> Record? {
        try query(sql, arguments.map(\.sqlValue)).first.map { try $0.decode(Record.self) }
    }
}
