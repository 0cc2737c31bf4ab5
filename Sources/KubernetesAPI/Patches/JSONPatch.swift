import Foundation
import Manifests

/// RFC 6902 JSON Patch (`application/json-patch+json`): add, remove, replace, move, copy, test, with JSON Pointer
/// paths (`/spec/template`, `/metadata/labels/app~1name`, `/spec/containers/-`).
public enum JSONPatch {
    public static let maximumOperations = 10_000

    public static func apply(_ patch: ManifestValue, to document: ManifestValue) throws(APIStatus) -> ManifestValue {
        guard let operations = patch.array else {
            throw .badRequest("json: cannot unmarshal \(patch.jsonTypeName) into Go value of type jsonpatch.Patch")
        }
        guard operations.count <= maximumOperations else {
            throw APIStatus(
                code: 422, reason: "RequestEntityTooLarge",
                message: "The allowed maximum operations in a JSON patch is \(maximumOperations), got \(operations.count)")
        }
        var result = document
        for operation in operations {
            guard let op = operation["op"]?.string else { throw invalid("Unexpected kind: <missing op>") }
            guard let path = operation["path"]?.string else { throw invalid("missing path in \"\(op)\" operation") }
            let pointer = try parse(path)
            switch op {
            case "add":
                guard let value = operation["value"] else { throw invalid("missing value in \"add\" operation") }
                result = try add(value, at: pointer, in: result)
            case "remove":
                result = try remove(at: pointer, in: result).document
            case "replace":
                guard let value = operation["value"] else { throw invalid("missing value in \"replace\" operation") }
                _ = try get(pointer, in: result, path: path)
                result = try replace(value, at: pointer, in: result)
            case "move", "copy":
                guard let from = operation["from"]?.string else { throw invalid("missing from in \"\(op)\" operation") }
                let source = try parse(from)
                let value = try get(source, in: result, path: from)
                if op == "move" { result = try remove(at: source, in: result).document }
                result = try add(value, at: pointer, in: result)
            case "test":
                let expected = operation["value"] ?? .null
                guard try get(pointer, in: result, path: path) == expected else {
                    throw invalid("testing value \(path) failed: test failed")
                }
            default:
                throw invalid("Unexpected kind: \(op)")
            }
        }
        return result
    }

    private static func invalid(_ message: String) -> APIStatus {
        APIStatus(code: 422, reason: "Invalid", message: message)
    }

    static func parse(_ path: String) throws(APIStatus) -> [String] {
        if path.isEmpty { return [] }
        guard path.hasPrefix("/") else { throw invalid("JSON pointer must be empty or start with a \"/\": \(path)") }
        return path.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
    }

    static func get(_ pointer: [String], in document: ManifestValue, path: String) throws(APIStatus) -> ManifestValue {
        var current = document
        for token in pointer {
            switch current {
            case .object(let fields):
                guard let next = fields[token] else { throw invalid("doc is missing path: \"\(path)\": missing value") }
                current = next
            case .array(let items):
                guard let index = Int(token), items.indices.contains(index) else {
                    throw invalid("doc is missing path: \"\(path)\": missing value")
                }
                current = items[index]
            default:
                throw invalid("doc is missing path: \"\(path)\": missing value")
            }
        }
        return current
    }

    private static func add(_ value: ManifestValue, at pointer: [String], in document: ManifestValue) throws(APIStatus) -> ManifestValue {
        try put(value, at: pointer, in: document, inserting: true)
    }

    private static func replace(_ value: ManifestValue, at pointer: [String], in document: ManifestValue) throws(APIStatus) -> ManifestValue
    {
        try put(value, at: pointer, in: document, inserting: false)
    }

    /// `add` (which inserts into a list, `-` appending) or `replace` (which overwrites an existing item).
    private static func put(_ value: ManifestValue, at pointer: [String], in document: ManifestValue, inserting: Bool) throws(APIStatus)
        -> ManifestValue
    {
        guard let token = pointer.first else { return value }
        let operation = inserting ? "add" : "replace"
        guard pointer.count == 1 else {
            return try descend(pointer, in: document) { child throws(APIStatus) in
                try put(value, at: Array(pointer.dropFirst()), in: child, inserting: inserting)
            }
        }
        switch document {
        case .object(var fields):
            fields[token] = value
            return .object(fields)
        case .array(var items):
            if inserting, token == "-" {
                items.append(value)
            } else if inserting, let index = Int(token), index >= 0, index <= items.count {
                items.insert(value, at: index)
            } else if !inserting, let index = Int(token), items.indices.contains(index) {
                items[index] = value
            } else {
                throw invalid("\(operation) operation does not apply: index \(token) out of bounds")
            }
            return .array(items)
        default:
            throw invalid("\(operation) operation does not apply: doc is missing path: \"/\(pointer.joined(separator: "/"))\"")
        }
    }

    private static func remove(at pointer: [String], in document: ManifestValue) throws(APIStatus) -> (document: ManifestValue, Void) {
        guard let token = pointer.first else { throw invalid("remove operation does not apply: the whole document") }
        if pointer.count == 1 {
            switch document {
            case .object(var fields):
                guard fields.removeValue(forKey: token) != nil else {
                    throw invalid("remove operation does not apply: doc is missing path: \"/\(token)\": missing value")
                }
                return (.object(fields), ())
            case .array(var items):
                guard let index = Int(token), items.indices.contains(index) else {
                    throw invalid("remove operation does not apply: index \(token) out of bounds")
                }
                items.remove(at: index)
                return (.array(items), ())
            default:
                throw invalid("remove operation does not apply: doc is missing path")
            }
        }
        return (
            try descend(pointer, in: document) { child throws(APIStatus) in try remove(at: Array(pointer.dropFirst()), in: child).document
            }, ()
        )
    }

    private static func descend(
        _ pointer: [String], in document: ManifestValue, _ change: (ManifestValue) throws(APIStatus) -> ManifestValue
    ) throws(APIStatus) -> ManifestValue {
        guard let token = pointer.first else { return document }
        let missing = invalid("doc is missing path: \"/\(pointer.joined(separator: "/"))\": missing value")
        switch document {
        case .object(var fields):
            guard let child = fields[token] else { throw missing }
            fields[token] = try change(child)
            return .object(fields)
        case .array(var items):
            guard let index = Int(token), items.indices.contains(index) else { throw missing }
            items[index] = try change(items[index])
            return .array(items)
        default:
            throw missing
        }
    }
}
