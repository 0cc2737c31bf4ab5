/// One row a query answered: its columns in order, found by name without regard to case (PostgreSQL folds the names
/// the store's DDL gives in camel case).
public struct SQLRow: Sendable, Hashable {
    private let names: [String]
    private let values: [SQLValue]
    private let index: [String: Int]

    public init(_ columns: [(name: String, value: SQLValue)]) {
        names = columns.map { $0.name.lowercased() }
        values = columns.map(\.value)
        var index: [String: Int] = [:]
        for (position, name) in names.enumerated() where index[name] == nil { index[name] = position }
        self.index = index
    }

    public subscript(_ column: String) -> SQLValue { index[column.lowercased()].map { values[$0] } ?? .null }

    /// The first column's value.
    public var first: SQLValue? { values.first }

    func has(_ column: String) -> Bool { index[column.lowercased()] != nil }

    /// The row as a record.
    public func decode<Record: Decodable>(_ type: Record.Type) throws -> Record {
        try Record(from: SQLRowDecoder(row: self))
    }
}
