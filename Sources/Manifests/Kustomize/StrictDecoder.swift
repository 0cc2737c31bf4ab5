/// Decodes a kustomization the way kustomize does (`encoding/json` with `DisallowUnknownFields` over the YAML→JSON
/// form): field names match case-insensitively, unknown fields and wrong types are errors whose text follows Go's.
struct StrictDecoder {
    /// Go's path for messages: `Kustomization.images.0.newTag`.
    var path: [String]
    var value: ManifestValue

    init(_ value: ManifestValue, path: [String]) {
        self.value = value
        self.path = path
    }

    var pathText: String { path.joined(separator: ".") }

    func typeError(_ expected: String) -> KustomizeError {
        .decode("json: cannot unmarshal \(value.jsonTypeName) into Go struct field \(pathText) of type \(expected)")
    }

    /// The fields of an object, each known field looked up case-insensitively; unknown fields are errors unless
    /// `ignoringUnknown` (plugin configurations, which kustomize decodes without `DisallowUnknownFields`).
    func fields(known: [String], ignoringUnknown: Bool = false) throws(KustomizeError) -> [String: StrictDecoder] {
        if value.isNull { return [:] }
        guard let object = value.object else { throw typeError("map") }
        var result: [String: StrictDecoder] = [:]
        // encoding/json matches a key exactly, else case-insensitively, in the order of the JSON form's (sorted) keys:
        // when two keys name one field the last one wins.
        for key in object.keys.sorted() {
            guard let field = known.first(where: { $0 == key }) ?? known.first(where: { $0.lowercased() == key.lowercased() })
            else {
                if ignoringUnknown { continue }
                throw .decode("json: unknown field \"\(key)\"")
            }
            result[field] = StrictDecoder(object[key] ?? .null, path: path + [field])
        }
        return result
    }

    func string() throws(KustomizeError) -> String {
        switch value {
        case .null: return ""
        case .string(let text): return text
        default: throw typeError("string")
        }
    }

    func bool() throws(KustomizeError) -> Bool {
        switch value {
        case .null: return false
        case .bool(let flag): return flag
        default: throw typeError("bool")
        }
    }

    func int() throws(KustomizeError) -> Int {
        switch value {
        case .null: return 0
        case .integer(let text):
            guard let number = Int(text) else { throw typeError("int") }
            return number
        default: throw typeError("int")
        }
    }

    func array() throws(KustomizeError) -> [StrictDecoder] {
        switch value {
        case .null: return []
        case .array(let items):
            return items.enumerated().map { StrictDecoder($0.element, path: path + [String($0.offset)]) }
        default: throw typeError("[]")
        }
    }

    func strings() throws(KustomizeError) -> [String] {
        var result: [String] = []
        for item in try array() { result.append(try item.string()) }
        return result
    }

    func stringMap() throws(KustomizeError) -> [String: String] {
        switch value {
        case .null: return [:]
        case .object(let object):
            var result: [String: String] = [:]
            for (key, item) in object {
                result[key] = try StrictDecoder(item, path: path + [key]).string()
            }
            return result
        default: throw typeError("map[string]string")
        }
    }
}
