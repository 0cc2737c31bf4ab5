import Foundation

/// JSON in and out: objects kept by the local target, Envoy configuration, API answers.
extension ManifestValue: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let flag = try? container.decode(Bool.self) {
            self = .bool(flag)
        } else if let number = try? container.decode(Int64.self) {
            self = .integer(String(number))
        } else if let number = try? container.decode(UInt64.self) {
            self = .integer(String(number))
        } else if let number = try? container.decode(Double.self) {
            self = .float(number)
        } else if let text = try? container.decode(String.self) {
            self = .string(text)
        } else if let items = try? container.decode([ManifestValue].self) {
            self = .array(items)
        } else {
            self = .object(try container.decode([String: ManifestValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let flag): try container.encode(flag)
        case .integer(let text):
            if let number = Int64(text) {
                try container.encode(number)
            } else if let number = UInt64(text) {
                try container.encode(number)
            } else {
                try container.encode(Double(text) ?? 0)
            }
        case .float(let number): try container.encode(number)
        case .string(let text): try container.encode(text)
        case .array(let items): try container.encode(items)
        case .object(let fields): try container.encode(fields)
        }
    }

    /// Compact JSON with sorted keys, the same text for the same value.
    public var jsonText: String { GoJSON.encode(self) }

    /// Parses JSON text.
    public init(json data: Data) throws {
        self = try JSONDecoder().decode(ManifestValue.self, from: data)
    }

    public var int: Int? {
        switch self {
        case .integer(let text): Int(text)
        case .float(let number) where number == number.rounded() && abs(number) < 1e15: Int(number)
        default: nil
        }
    }

    public var bool: Bool? {
        if case .bool(let flag) = self { return flag }
        return nil
    }

    /// A string map (labels, selectors, annotations); nil when any value is not a string.
    public var stringMap: [String: String]? {
        guard let fields = object else { return nil }
        var map: [String: String] = [:]
        for (key, value) in fields {
            guard let text = value.string else { return nil }
            map[key] = text
        }
        return map
    }

    public static func int(_ value: Int) -> ManifestValue { .integer(String(value)) }

    public static func strings(_ map: [String: String]) -> ManifestValue { .object(map.mapValues { .string($0) }) }

    /// Sets the value at a path of object keys, creating objects on the way (and replacing scalars in the way).
    public mutating func set(_ value: ManifestValue, at path: some Collection<String>) {
        guard let key = path.first else {
            self = value
            return
        }
        var fields = object ?? [:]
        var child = fields[key] ?? .object([:])
        child.set(value, at: path.dropFirst())
        fields[key] = child
        self = .object(fields)
    }

    /// Removes the value at a path; objects emptied by the removal are removed too. Returns whether anything went.
    @discardableResult
    public mutating func remove(at path: some Collection<String>) -> Bool {
        guard let key = path.first, var fields = object, var child = fields[key] else { return false }
        if path.count == 1 {
            fields[key] = nil
            self = .object(fields)
            return true
        }
        let removed = child.remove(at: path.dropFirst())
        if removed, child.object?.isEmpty == true { fields[key] = nil } else { fields[key] = child }
        self = .object(fields)
        return removed
    }
}
