/// A WHERE clause built from the conditions a listing was given, with their arguments in order.
struct SQLConditions {
    private var parts: [String] = []
    private(set) var arguments: [any SQLBindable] = []

    mutating func add(_ condition: String, _ values: any SQLBindable...) {
        parts.append(condition)
        arguments += values
    }

    /// ` WHERE a AND b`, or nothing.
    var clause: String { parts.isEmpty ? "" : " WHERE " + parts.joined(separator: " AND ") }
}

extension SQLConnection {
    func fetchAll<Record: StoredRecord>(_ type: Record.Type, _ sql: String, _ arguments: [any SQLBindable]) throws -> [Record] {
        try query(sql, arguments.map(\.sqlValue)).map { try $0.decode(Record.self) }
    }
}
