import Foundation

/// Decodes a flat record from a row: the counterpart of `StoredRecord.columns` (dates from seconds since 1970, bytes
/// from a BLOB/BYTEA, booleans from SQLite's integers).
struct SQLRowDecoder: Decoder {
    let row: SQLRow
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(Keyed<Key>(row: row))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw DecodingError.typeMismatch([Any].self, .init(codingPath: codingPath, debugDescription: "a row is not a list"))
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        throw DecodingError.typeMismatch(SQLValue.self, .init(codingPath: codingPath, debugDescription: "a row is not one value"))
    }

    struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let row: SQLRow
        var codingPath: [any CodingKey] { [] }
        var allKeys: [Key] { [] }

        func contains(_ key: Key) -> Bool { row.has(key.stringValue) }

        func decodeNil(forKey key: Key) throws -> Bool { row[key.stringValue].isNull }

        private func mismatch(_ type: Any.Type, _ key: Key) -> DecodingError {
            DecodingError.typeMismatch(
                type, .init(codingPath: [key], debugDescription: "column \(key.stringValue) holds \(row[key.stringValue])"))
        }

        private func integer(_ key: Key) throws -> Int64 {
            guard let value = row[key.stringValue].integer else { throw mismatch(Int64.self, key) }
            return value
        }

        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool {
            if case .bool(let value) = row[key.stringValue] { return value }
            return try integer(key) != 0
        }

        func decode(_ type: String.Type, forKey key: Key) throws -> String {
            guard let value = row[key.stringValue].text else { throw mismatch(type, key) }
            return value
        }

        func decode(_ type: Double.Type, forKey key: Key) throws -> Double {
            guard let value = row[key.stringValue].real else { throw mismatch(type, key) }
            return value
        }

        func decode(_ type: Float.Type, forKey key: Key) throws -> Float { Float(try decode(Double.self, forKey: key)) }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try narrow(key) }
        func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try narrow(key) }
        func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try narrow(key) }
        func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try narrow(key) }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try integer(key) }
        func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try narrow(key) }
        func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try narrow(key) }
        func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try narrow(key) }
        func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try narrow(key) }
        func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try narrow(key) }

        private func narrow<T: FixedWidthInteger>(_ key: Key) throws -> T {
            guard let value = T(exactly: try integer(key)) else { throw mismatch(T.self, key) }
            return value
        }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            let value = row[key.stringValue]
            if T.self == [UInt8].self {
                guard case .blob(let bytes) = value, let result = bytes as? T else { throw mismatch(type, key) }
                return result
            }
            if T.self == Date.self {
                guard let seconds = value.real, let result = Date(timeIntervalSince1970: seconds) as? T else { throw mismatch(type, key) }
                return result
            }
            return try T(from: Single(value: value, key: key))
        }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
            -> KeyedDecodingContainer<NestedKey>
        {
            throw mismatch([String: Any].self, key)
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer { throw mismatch([Any].self, key) }
        func superDecoder() throws -> any Decoder { SQLRowDecoder(row: row) }
        func superDecoder(forKey key: Key) throws -> any Decoder { SQLRowDecoder(row: row) }
    }

    /// One column's value, for a type that decodes itself from one value (a string enum).
    struct Single: Decoder, SingleValueDecodingContainer {
        let value: SQLValue
        let key: any CodingKey
        var codingPath: [any CodingKey] { [key] }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<K: CodingKey>(keyedBy type: K.Type) throws -> KeyedDecodingContainer<K> { throw mismatch([String: Any].self) }
        func unkeyedContainer() throws -> any UnkeyedDecodingContainer { throw mismatch([Any].self) }
        func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

        private func mismatch(_ type: Any.Type) -> DecodingError {
            DecodingError.typeMismatch(type, .init(codingPath: [key], debugDescription: "column \(key.stringValue) holds \(value)"))
        }

        func decodeNil() -> Bool { value.isNull }
        func decode(_ type: Bool.Type) throws -> Bool {
            if case .bool(let flag) = value { return flag }
            guard let number = value.integer else { throw mismatch(type) }
            return number != 0
        }
        func decode(_ type: String.Type) throws -> String {
            guard let text = value.text else { throw mismatch(type) }
            return text
        }
        func decode(_ type: Double.Type) throws -> Double {
            guard let number = value.real else { throw mismatch(type) }
            return number
        }
        func decode(_ type: Float.Type) throws -> Float { Float(try decode(Double.self)) }
        func decode(_ type: Int.Type) throws -> Int { try narrow() }
        func decode(_ type: Int8.Type) throws -> Int8 { try narrow() }
        func decode(_ type: Int16.Type) throws -> Int16 { try narrow() }
        func decode(_ type: Int32.Type) throws -> Int32 { try narrow() }
        func decode(_ type: Int64.Type) throws -> Int64 { try narrow() }
        func decode(_ type: UInt.Type) throws -> UInt { try narrow() }
        func decode(_ type: UInt8.Type) throws -> UInt8 { try narrow() }
        func decode(_ type: UInt16.Type) throws -> UInt16 { try narrow() }
        func decode(_ type: UInt32.Type) throws -> UInt32 { try narrow() }
        func decode(_ type: UInt64.Type) throws -> UInt64 { try narrow() }
        func decode<T: Decodable>(_ type: T.Type) throws -> T { try T(from: self) }

        private func narrow<T: FixedWidthInteger>() throws -> T {
            guard let number = value.integer, let result = T(exactly: number) else { throw mismatch(T.self) }
            return result
        }
    }
}
