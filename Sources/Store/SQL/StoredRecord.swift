import Foundation

/// A flat row type the store writes and reads by its shape: each stored property is a column of the same name.
/// Properties are strings, integers, doubles, booleans, bytes (`[UInt8]`), dates (seconds since 1970), string enums,
/// or optionals of those.
public protocol StoredRecord: Codable, Sendable {
    static var tableName: String { get }
    /// The columns that name a row; `["id"]` (the default) for rows whose id the database assigns.
    static var keyColumns: [String] { get }
}

extension StoredRecord {
    public static var keyColumns: [String] { ["id"] }

    static var assignsID: Bool { keyColumns == ["id"] }

    /// The record's columns and values, in declaration order; an absent optional is NULL.
    var columns: [(name: String, value: SQLValue)] {
        Mirror(reflecting: self).children.compactMap { child in
            guard let label = child.label else { return nil }
            return (label, Self.sqlValue(of: child.value))
        }
    }

    private static func sqlValue(of value: Any) -> SQLValue {
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional {
            guard let wrapped = mirror.children.first?.value else { return .null }
            return sqlValue(of: wrapped)
        }
        switch value {
        case let value as any SQLBindable: return value.sqlValue
        case let value as Date: return .real(value.timeIntervalSince1970)
        case let value as any RawRepresentable:
            if let raw = value.rawValue as? any SQLBindable { return raw.sqlValue }
            return .text("\(value.rawValue)")
        default: return .text("\(value)")
        }
    }
}

/// Writing records: INSERT (answering the id the database assigned), UPDATE by key, and upsert by key.
extension SQLConnection {
    /// Inserts a record; answers the id the database gave it (nil for a record keyed by its own columns).
    @discardableResult
    public func insert<Record: StoredRecord>(_ record: Record) throws -> Int64? {
        var columns = record.columns
        if Record.assignsID { columns.removeAll { $0.name == "id" && $0.value.isNull } }
        let names = columns.map { SQLName.quoted($0.name) }.joined(separator: ", ")
        let marks = Array(repeating: "?", count: columns.count).joined(separator: ", ")
        let returning = Record.assignsID ? " RETURNING id" : ""
        let rows = try query(
            "INSERT INTO \(SQLName.quoted(Record.tableName)) (\(names)) VALUES (\(marks))\(returning)", columns.map(\.value))
        return Record.assignsID ? rows.first?["id"].integer : nil
    }

    /// Updates every column of the row with the record's key; answers whether a row had it.
    @discardableResult
    public func update<Record: StoredRecord>(_ record: Record) throws -> Bool {
        let columns = record.columns
        let keys = columns.filter { Record.keyColumns.contains($0.name) }
        let others = columns.filter { !Record.keyColumns.contains($0.name) }
        let assignments = others.map { "\(SQLName.quoted($0.name)) = ?" }.joined(separator: ", ")
        let condition = keys.map { "\(SQLName.quoted($0.name)) = ?" }.joined(separator: " AND ")
        let rows = try query(
            "UPDATE \(SQLName.quoted(Record.tableName)) SET \(assignments) WHERE \(condition) RETURNING 1",
            others.map(\.value) + keys.map(\.value))
        return !rows.isEmpty
    }

    /// Inserts the record, or replaces the row with its key.
    public func upsert<Record: StoredRecord>(_ record: Record) throws {
        let columns = record.columns
        let names = columns.map { SQLName.quoted($0.name) }.joined(separator: ", ")
        let marks = Array(repeating: "?", count: columns.count).joined(separator: ", ")
        let keys = Record.keyColumns.map(SQLName.quoted).joined(separator: ", ")
        let assignments = columns.filter { !Record.keyColumns.contains($0.name) }
            .map { "\(SQLName.quoted($0.name)) = excluded.\(SQLName.quoted($0.name))" }.joined(separator: ", ")
        try query(
            "INSERT INTO \(SQLName.quoted(Record.tableName)) (\(names)) VALUES (\(marks)) ON CONFLICT (\(keys)) DO UPDATE SET \(assignments)",
            columns.map(\.value))
    }

    /// The row of a table whose id is `id`.
    public func fetch<Record: StoredRecord>(_ type: Record.Type, id: Int64) throws -> Record? {
        try fetchOne(Record.self, "SELECT * FROM \(SQLName.quoted(Record.tableName)) WHERE id = ?", id)
    }
}

/// Names in statements: written as the DDL writes them (unquoted, so PostgreSQL folds both the same way), except the
/// ones PostgreSQL reserves.
public enum SQLName {
    static let reserved: Set<String> = ["user"]

    public static func quoted(_ name: String) -> String { reserved.contains(name) ? "\"\(name)\"" : name }
}
