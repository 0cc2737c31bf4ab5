import Foundation

/// A label selector as `labelSelector=` carries it: `app=web,tier!=db,env in (qa,pre),!legacy,canary`.
public struct LabelSelector: Sendable, Hashable {
    public enum Requirement: Sendable, Hashable {
        case equals(String, String)
        case notEquals(String, String)
        case `in`(String, Set<String>)
        case notIn(String, Set<String>)
        case exists(String)
        case doesNotExist(String)
    }

    public var requirements: [Requirement]

    public init(requirements: [Requirement] = []) {
        self.requirements = requirements
    }

    public func matches(_ labels: [String: String]) -> Bool {
        requirements.allSatisfy { requirement in
            switch requirement {
            case .equals(let key, let value): labels[key] == value
            case .notEquals(let key, let value): labels[key] != value
            case .in(let key, let values): labels[key].map(values.contains) ?? false
            case .notIn(let key, let values): labels[key].map { !values.contains($0) } ?? true
            case .exists(let key): labels[key] != nil
            case .doesNotExist(let key): labels[key] == nil
            }
        }
    }

    /// Parses the selector; the error names what was expected, as the API server's does.
    public static func parse(_ text: String) throws(APIStatus) -> LabelSelector {
        var requirements: [Requirement] = []
        for part in Self.split(text) {
            let item = part.trimmingCharacters(in: .whitespaces)
            if item.isEmpty { continue }
            if item.hasPrefix("!") {
                requirements.append(.doesNotExist(try key(String(item.dropFirst()), in: text)))
            } else if let range = item.range(of: "!=") {
                requirements.append(.notEquals(try key(String(item[..<range.lowerBound]), in: text), value(item[range.upperBound...])))
            } else if let range = item.range(of: "==") {
                requirements.append(.equals(try key(String(item[..<range.lowerBound]), in: text), value(item[range.upperBound...])))
            } else if let range = item.range(of: "=") {
                requirements.append(.equals(try key(String(item[..<range.lowerBound]), in: text), value(item[range.upperBound...])))
            } else if let range = item.range(of: " notin ") ?? item.range(of: " in ") {
                let name = try key(String(item[..<range.lowerBound]), in: text)
                let list = item[range.upperBound...].trimmingCharacters(in: .whitespaces)
                guard list.hasPrefix("("), list.hasSuffix(")") else {
                    throw .badRequest("unable to parse requirement: found '\(list)', expected: '('")
                }
                let values = Set(list.dropFirst().dropLast().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
                requirements.append(item[range].contains("notin") ? .notIn(name, values) : .in(name, values))
            } else {
                requirements.append(.exists(try key(item, in: text)))
            }
        }
        return LabelSelector(requirements: requirements)
    }

    /// Splits at commas outside parentheses.
    private static func split(_ text: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var depth = 0
        for character in text {
            switch character {
            case "(": depth += 1
            case ")": depth -= 1
            case "," where depth == 0:
                parts.append(current)
                current = ""
                continue
            default: break
            }
            current.append(character)
        }
        parts.append(current)
        return parts
    }

    private static func key(_ text: String, in selector: String) throws(APIStatus) -> String {
        let key = text.trimmingCharacters(in: .whitespaces)
        let allowed = key.allSatisfy { $0.isLetter || $0.isNumber || "-_./".contains($0) }
        guard !key.isEmpty, allowed else {
            throw .badRequest("unable to parse requirement: invalid label key \"\(key)\" in selector \"\(selector)\"")
        }
        return key
    }

    private static func value(_ text: Substring) -> String { text.trimmingCharacters(in: .whitespaces) }
}
