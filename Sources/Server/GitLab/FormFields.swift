import Foundation

/// The fields of a request body as GitLab's API reads them: `application/x-www-form-urlencoded`,
/// `multipart/form-data` (what `curl --form` sends) or a JSON object, plus the query string's.
struct FormFields {
    /// Fields in order; a JSON body's `variables` object becomes `variables[KEY]` fields.
    var fields: [(name: String, value: String)] = []
    /// A JSON body's `variables` when it is not an object of strings.
    var invalidVariables = false

    init(body: Data, contentType: String?, query: [(String, String)]) {
        fields = query.map { (name: $0.0, value: $0.1) }
        let type = (contentType ?? "").lowercased()
        if type.hasPrefix("application/json") {
            readJSON(body)
        } else if type.hasPrefix("multipart/form-data"), let boundary = Self.boundary(contentType ?? "") {
            fields += Self.multipart(body, boundary: boundary)
        } else if type.hasPrefix("application/x-www-form-urlencoded") {
            fields += Self.urlEncoded(String(decoding: body, as: UTF8.self))
        }
    }

    func first(_ name: String) -> String? { fields.first { $0.name == name }?.value }

    /// `variables[KEY]=value` fields as a map (a later field wins, as in Rails' parameter parsing).
    var variables: [String: String] {
        var result: [String: String] = [:]
        for (name, value) in fields where name.hasPrefix("variables[") && name.hasSuffix("]") {
            let key = String(name.dropFirst(10).dropLast())
            if !key.isEmpty { result[key] = value }
        }
        return result
    }

    /// Whether some field is `variables` itself or `variables[…]` with more nesting: not a map of strings.
    var hasMalformedVariables: Bool {
        invalidVariables
            || fields.contains { field in
                field.name == "variables"
                    || (field.name.hasPrefix("variables[") && (!field.name.hasSuffix("]") || field.name.dropFirst(10).contains("[")))
            }
    }

    private mutating func readJSON(_ body: Data) {
        guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else { return }
        for (key, value) in object where key != "variables" {
            if let text = value as? String { fields.append((key, text)) }
        }
        guard let variables = object["variables"] else { return }
        guard let map = variables as? [String: Any] else {
            invalidVariables = true
            return
        }
        for (key, value) in map.sorted(by: { $0.key < $1.key }) {
            guard let text = value as? String else {
                invalidVariables = true
                return
            }
            fields.append(("variables[\(key)]", text))
        }
    }

    static func urlEncoded(_ text: String) -> [(name: String, value: String)] {
        text.split(separator: "&").compactMap { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String? { text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding }
            guard let name = parts.first.flatMap(decode) else { return nil }
            return (name, parts.count > 1 ? decode(parts[1]) ?? "" : "")
        }
    }

    static func boundary(_ contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let trimmed = parameter.trimmingCharacters(in: .whitespaces)
            guard trimmed.lowercased().hasPrefix("boundary=") else { continue }
            let value = trimmed.dropFirst(9)
            return value.hasPrefix("\"") && value.hasSuffix("\"") && value.count >= 2 ? String(value.dropFirst().dropLast()) : String(value)
        }
        return nil
    }

    /// The text fields of a multipart body (files are read as text too; a trigger has none).
    static func multipart(_ body: Data, boundary: String) -> [(name: String, value: String)] {
        let bytes = [UInt8](body)
        let delimiter = [UInt8](("--" + boundary).utf8)
        var result: [(name: String, value: String)] = []
        var positions: [Int] = []
        var index = 0
        while let found = find(delimiter, in: bytes, from: index) {
            positions.append(found)
            index = found + delimiter.count
        }
        for (start, end) in zip(positions, positions.dropFirst()) {
            var part = Array(bytes[(start + delimiter.count)..<end])
            if part.starts(with: [13, 10]) { part.removeFirst(2) }
            if part.count >= 2, part.suffix(2) == [13, 10] { part.removeLast(2) }
            guard let split = find([13, 10, 13, 10], in: part, from: 0) else { continue }
            let headers = String(decoding: part[..<split], as: UTF8.self)
            let value = String(decoding: part[(split + 4)...], as: UTF8.self)
            guard let name = Self.name(inDisposition: headers) else { continue }
            result.append((name, value))
        }
        return result
    }

    private static func name(inDisposition headers: String) -> String? {
        for line in headers.split(separator: "\r\n") where line.lowercased().hasPrefix("content-disposition:") {
            guard let range = line.range(of: "name=\"") else { continue }
            let rest = line[range.upperBound...]
            return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
        }
        return nil
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard needle.count <= haystack.count, start <= haystack.count - needle.count else { return nil }
        var index = start
        while index <= haystack.count - needle.count {
            if haystack[index] == needle[0], Array(haystack[index..<(index + needle.count)]) == needle { return index }
            index += 1
        }
        return nil
    }
}
