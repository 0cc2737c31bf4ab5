import Foundation

/// RFC 6902 JSON patches (`add`, `remove`, `replace`, `move`, `copy`, `test`) as evanphx/json-patch applies them.
struct JSONPatch {
    struct Operation {
        var op: String
        var path: [String]
        var from: [String]?
        var value: ManifestValue?
        var rawPath: String
    }

    var operations: [Operation]

    init(decoding value: ManifestValue) throws(KustomizeError) {
        guard let items = value.array else { throw .decode("a JSON patch must be a list of operations") }
        operations = []
        for (index, item) in items.enumerated() {
            guard let fields = item.object, let op = fields["op"]?.string else {
                throw .decode("operation \(index): missing 'op'")
            }
            guard let path = fields["path"]?.string else { throw .decode("operation \(index) (\(op)): missing 'path'") }
            operations.append(
                Operation(
                    op: op, path: try Self.pointer(path), from: try fields["from"]?.string.map(Self.pointer),
                    value: fields["value"], rawPath: path))
        }
    }

    static func pointer(_ text: String) throws(KustomizeError) -> [String] {
        if text.isEmpty { return [] }
        guard text.hasPrefix("/") else { throw .decode("invalid JSON pointer '\(text)'") }
        return text.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
    }

    func apply(to document: ManifestValue) throws(KustomizeError) -> ManifestValue {
        var doc = document
        for operation in operations {
            switch operation.op {
            case "add":
                guard let value = operation.value else { throw .decode("add operation missing 'value'") }
                try Self.add(value, at: operation.path[...], in: &doc, raw: operation.rawPath)
            case "remove":
                _ = try Self.remove(operation.path[...], in: &doc, raw: operation.rawPath)
            case "replace":
                guard let value = operation.value else { throw .decode("replace operation missing 'value'") }
                try Self.replace(value, at: operation.path[...], in: &doc, raw: operation.rawPath)
            case "move":
                guard let from = operation.from else { throw .decode("move operation missing 'from'") }
                let value = try Self.remove(from[...], in: &doc, raw: operation.rawPath)
                try Self.add(value, at: operation.path[...], in: &doc, raw: operation.rawPath)
            case "copy":
                guard let from = operation.from else { throw .decode("copy operation missing 'from'") }
                guard let value = Self.get(from[...], in: doc) else {
                    throw .decode("copy operation does not apply: doc is missing from path: \(from)")
                }
                try Self.add(value, at: operation.path[...], in: &doc, raw: operation.rawPath)
            case "test":
                guard Self.get(operation.path[...], in: doc) == (operation.value ?? .null) else {
                    throw .decode("testing value \(operation.rawPath) failed: test failed")
                }
            default:
                throw .decode("unexpected kind of operation '\(operation.op)'")
            }
        }
        return doc
    }

    static func get(_ path: ArraySlice<String>, in value: ManifestValue) -> ManifestValue? {
        guard let key = path.first else { return value }
        switch value {
        case .object(let fields): return fields[key].flatMap { get(path.dropFirst(), in: $0) }
        case .array(let items):
            guard let index = Int(key), items.indices.contains(index) else { return nil }
            return get(path.dropFirst(), in: items[index])
        default: return nil
        }
    }

    static func add(
        _ new: ManifestValue, at path: ArraySlice<String>, in value: inout ManifestValue, raw: String
    ) throws(KustomizeError) {
        guard let key = path.first else {
            value = new
            return
        }
        let last = path.count == 1
        switch value {
        case .object(var fields):
            if last {
                fields[key] = new
            } else {
                guard var child = fields[key] else {
                    throw .decode("add operation does not apply: doc is missing path: \"\(raw)\"")
                }
                fields[key] = nil
                try add(new, at: path.dropFirst(), in: &child, raw: raw)
                fields[key] = child
            }
            value = .object(fields)
        case .array(var items):
            if last {
                if key == "-" {
                    items.append(new)
                } else {
                    guard let index = Int(key), index >= 0, index <= items.count else {
                        throw .decode("add operation does not apply: index out of bounds in \"\(raw)\"")
                    }
                    items.insert(new, at: index)
                }
            } else {
                guard let index = Int(key), items.indices.contains(index) else {
                    throw .decode("add operation does not apply: doc is missing path: \"\(raw)\"")
                }
                try add(new, at: path.dropFirst(), in: &items[index], raw: raw)
            }
            value = .array(items)
        default:
            throw .decode("add operation does not apply: doc is missing path: \"\(raw)\"")
        }
    }

    static func replace(
        _ new: ManifestValue, at path: ArraySlice<String>, in value: inout ManifestValue, raw: String
    ) throws(KustomizeError) {
        guard let key = path.first else {
            value = new
            return
        }
        switch value {
        case .object(var fields):
            guard var child = fields[key] else {
                // evanphx/json-patch v4 (kustomize's) sets a missing last key of an object instead of failing.
                guard path.count == 1 else {
                    throw .decode("replace operation does not apply: doc is missing path: \(raw)")
                }
                fields[key] = new
                value = .object(fields)
                return
            }
            fields[key] = nil
            try replace(new, at: path.dropFirst(), in: &child, raw: raw)
            fields[key] = child
            value = .object(fields)
        case .array(var items):
            guard let index = Int(key), items.indices.contains(index) else {
                throw .decode("replace operation does not apply: doc is missing key: \(raw)")
            }
            try replace(new, at: path.dropFirst(), in: &items[index], raw: raw)
            value = .array(items)
        default:
            throw .decode("replace operation does not apply: doc is missing key: \(raw)")
        }
    }

    static func remove(
        _ path: ArraySlice<String>, in value: inout ManifestValue, raw: String
    ) throws(KustomizeError) -> ManifestValue {
        guard let key = path.first else { throw .decode("remove operation does not apply: empty path") }
        let last = path.count == 1
        switch value {
        case .object(var fields):
            guard var child = fields[key] else {
                throw .decode("remove operation does not apply: doc is missing path: \"\(raw)\"")
            }
            fields[key] = nil
            let removed: ManifestValue
            if last {
                removed = child
            } else {
                removed = try remove(path.dropFirst(), in: &child, raw: raw)
                fields[key] = child
            }
            value = .object(fields)
            return removed
        case .array(var items):
            guard let index = Int(key), items.indices.contains(index) else {
                throw .decode("remove operation does not apply: doc is missing path: \"\(raw)\"")
            }
            let removed: ManifestValue
            if last {
                removed = items.remove(at: index)
            } else {
                removed = try remove(path.dropFirst(), in: &items[index], raw: raw)
            }
            value = .array(items)
            return removed
        default:
            throw .decode("remove operation does not apply: doc is missing path: \"\(raw)\"")
        }
    }
}
