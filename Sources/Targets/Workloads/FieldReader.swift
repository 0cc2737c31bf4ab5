import Manifests
import TargetKit

/// Reads typed fields out of an object and words errors as the API server does:
/// `The Deployment "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0`.
struct FieldReader: Sendable {
    var kind: String
    var name: String

    func invalid(_ field: String, _ detail: String) -> TargetError {
        .invalid("The \(kind) \"\(name)\" is invalid: \(field): \(detail)")
    }

    func required(_ field: String) -> TargetError { invalid(field, "Required value") }

    func string(_ value: ManifestValue?, _ field: String) throws(TargetError) -> String? {
        guard let value, !value.isNull else { return nil }
        guard let text = value.string else { throw invalid(field, "Invalid value: \(value.jsonText): expected a string") }
        return text
    }

    func strings(_ value: ManifestValue?, _ field: String) throws(TargetError) -> [String]? {
        guard let value, !value.isNull else { return nil }
        guard let items = value.array else { throw invalid(field, "Invalid value: \(value.jsonText): expected a list of strings") }
        var result: [String] = []
        for (index, item) in items.enumerated() {
            guard let text = item.string else { throw invalid("\(field)[\(index)]", "Invalid value: \(item.jsonText): expected a string") }
            result.append(text)
        }
        return result
    }

    func int(_ value: ManifestValue?, _ field: String, default fallback: Int, minimum: Int? = nil, maximum: Int? = nil) throws(TargetError)
        -> Int
    {
        guard let value, !value.isNull else { return fallback }
        guard let number = value.int else { throw invalid(field, "Invalid value: \(value.jsonText): expected an integer") }
        if let minimum, number < minimum { throw invalid(field, "Invalid value: \(number): must be greater than or equal to \(minimum)") }
        if let maximum, number > maximum { throw invalid(field, "Invalid value: \(number): must be less than or equal to \(maximum)") }
        return number
    }

    func labels(_ value: ManifestValue?, _ field: String) throws(TargetError) -> [String: String] {
        guard let value, !value.isNull else { return [:] }
        guard let map = value.stringMap else { throw invalid(field, "Invalid value: \(value.jsonText): expected a map of strings") }
        for (key, text) in map {
            guard Names.isQualifiedName(key) else {
                throw invalid(
                    field,
                    "Invalid value: \"\(key)\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and "
                        + "end with an alphanumeric character"
                )
            }
            guard Names.isLabelValue(text) else {
                throw invalid(
                    field,
                    "Invalid value: \"\(text)\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' "
                        + "or '.', and must start and end with an alphanumeric character"
                )
            }
        }
        return map
    }
}

/// Kubernetes' name rules.
enum Names {
    static func isAlphanumeric(_ c: Character) -> Bool { c.isASCII && (c.isLetter || c.isNumber) }

    /// RFC 1123 subdomain: lower-case alphanumerics, '-' and '.', starting and ending alphanumeric, at most 253.
    static func isSubdomain(_ text: String) -> Bool {
        guard (1...253).contains(text.count), let first = text.first, let last = text.last else { return false }
        return text.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" || $0 == "." }
            && isAlphanumeric(first) && isAlphanumeric(last)
    }

    /// RFC 1123 label (Services, Namespaces): like a subdomain without dots, at most 63.
    static func isLabel(_ text: String) -> Bool { text.count <= 63 && !text.contains(".") && isSubdomain(text) }

    static func isLabelValue(_ text: String) -> Bool {
        if text.isEmpty { return true }
        guard text.count <= 63, let first = text.first, let last = text.last else { return false }
        return text.allSatisfy { isAlphanumeric($0) || "-_.".contains($0) } && isAlphanumeric(first) && isAlphanumeric(last)
    }

    static func isQualifiedName(_ text: String) -> Bool {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let name = parts.last.map(String.init) else { return false }
        if parts.count == 2, !isSubdomain(String(parts[0])) { return false }
        return !name.isEmpty && isLabelValue(name)
    }
}
