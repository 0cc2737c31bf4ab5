import Foundation
import Manifests

/// The Kubernetes protobuf encoding of the few bodies kubectl 1.32 sends that way (`kubectl create namespace`,
/// `create configmap`, `create secret`, `create serviceaccount`): the `k8s\0` envelope around a `runtime.Unknown`
/// holding the typed message, decoded into the object's JSON form. Other kinds are refused with a 415 that says
/// which commands send JSON.
enum ProtobufBody {
    static let magic: [UInt8] = [0x6b, 0x38, 0x73, 0x00]

    static func decode(_ bytes: [UInt8]) throws(APIStatus) -> ManifestValue {
        guard bytes.count >= 4, Array(bytes.prefix(4)) == magic else { throw .badRequest("the protobuf body lacks the k8s envelope") }
        let envelope = try fields(bytes[4...])
        let typeMeta = try fields(envelope.bytes(1) ?? [])
        let apiVersion = typeMeta.string(1) ?? ""
        let kind = typeMeta.string(2) ?? ""
        let raw = try fields(envelope.bytes(2) ?? [])
        var object: [String: ManifestValue] = ["apiVersion": .string(apiVersion), "kind": .string(kind)]
        object["metadata"] = try objectMeta(raw.bytes(1) ?? [])
        switch (apiVersion, kind) {
        case ("v1", "Namespace"), ("v1", "ServiceAccount"):
            break
        case ("v1", "ConfigMap"):
            if let data = try stringMap(raw.all(2)) { object["data"] = data }
            if let binary = try stringMap(raw.all(3), base64: true) { object["binaryData"] = binary }
            if let immutable = raw.varint(4) { object["immutable"] = .bool(immutable != 0) }
        case ("v1", "Secret"):
            if let data = try stringMap(raw.all(2), base64: true) { object["data"] = data }
            if let type = raw.string(3) { object["type"] = .string(type) }
            if let extra = try stringMap(raw.all(4)) { object["stringData"] = extra }
            if let immutable = raw.varint(5) { object["immutable"] = .bool(immutable != 0) }
        default:
            throw APIStatus.unsupportedMediaType(
                "application/vnd.kubernetes.protobuf",
                accepted: [
                    "application/json",
                    "application/yaml (protobuf only for v1 Namespace, ConfigMap, Secret and ServiceAccount; "
                        + "use kubectl apply or create -f for \(kind))",
                ])
        }
        return .object(object)
    }

    private static func objectMeta(_ bytes: [UInt8]) throws(APIStatus) -> ManifestValue {
        let meta = try fields(bytes[...])
        var result: [String: ManifestValue] = [:]
        for (number, name) in [(1, "name"), (2, "generateName"), (3, "namespace")] {
            if let text = meta.string(number), !text.isEmpty { result[name] = .string(text) }
        }
        if let labels = try stringMap(meta.all(11)) { result["labels"] = labels }
        if let annotations = try stringMap(meta.all(12)) { result["annotations"] = annotations }
        return .object(result)
    }

    /// Map entries (`key` = 1, `value` = 2); nil when there are none.
    private static func stringMap(_ entries: [[UInt8]], base64: Bool = false) throws(APIStatus) -> ManifestValue? {
        guard !entries.isEmpty else { return nil }
        var map: [String: ManifestValue] = [:]
        for entry in entries {
            let pair = try fields(entry[...])
            let key = pair.string(1) ?? ""
            let value = pair.bytes(2) ?? []
            map[key] = .string(base64 ? Data(value).base64EncodedString() : String(decoding: value, as: UTF8.self))
        }
        return .object(map)
    }

    /// One message's fields: length-delimited ones as bytes, varints as numbers.
    struct Fields {
        var delimited: [(Int, [UInt8])] = []
        var varints: [Int: UInt64] = [:]

        func bytes(_ number: Int) -> [UInt8]? { delimited.last { $0.0 == number }?.1 }
        func all(_ number: Int) -> [[UInt8]] { delimited.filter { $0.0 == number }.map(\.1) }
        func string(_ number: Int) -> String? { bytes(number).map { String(decoding: $0, as: UTF8.self) } }
        func varint(_ number: Int) -> UInt64? { varints[number] }
    }

    static func fields(_ bytes: ArraySlice<UInt8>) throws(APIStatus) -> Fields {
        var result = Fields()
        var index = bytes.startIndex
        func varint() throws(APIStatus) -> UInt64 {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while index < bytes.endIndex, shift < 64 {
                let byte = bytes[index]
                index += 1
                value |= UInt64(byte & 0x7f) << shift
                if byte & 0x80 == 0 { return value }
                shift += 7
            }
            throw .badRequest("the protobuf body is truncated")
        }
        while index < bytes.endIndex {
            let key = try varint()
            let number = Int(key >> 3)
            switch key & 7 {
            case 0: result.varints[number] = try varint()
            case 1: index += 8
            case 5: index += 4
            case 2:
                let length = Int(try varint())
                guard length >= 0, bytes.endIndex - index >= length else { throw .badRequest("the protobuf body is truncated") }
                result.delimited.append((number, Array(bytes[index..<(index + length)])))
                index += length
            default:
                throw .badRequest("the protobuf body has an unsupported wire type \(key & 7)")
            }
            guard index <= bytes.endIndex else { throw .badRequest("the protobuf body is truncated") }
        }
        return result
    }

    static func fields(_ bytes: [UInt8]) throws(APIStatus) -> Fields { try fields(bytes[...]) }
}
