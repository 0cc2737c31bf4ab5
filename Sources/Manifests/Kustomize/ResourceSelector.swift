import Foundation

/// Matches resources against a patch or replacement `target`: group, version and kind exactly; name and namespace
/// as anchored regular expressions (against every name the resource has had); label and annotation selectors in
/// Kubernetes' syntax (`a=b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`).
struct ResourceSelector {
    let selector: Kustomization.Selector
    private let name: Pattern?
    private let namespace: Pattern?
    private let labels: [Requirement]
    private let annotations: [Requirement]

    init(_ selector: Kustomization.Selector) throws(KustomizeError) {
        self.selector = selector
        name = selector.name.isEmpty ? nil : try Pattern(selector.name)
        namespace = selector.namespace.isEmpty ? nil : try Pattern(selector.namespace)
        labels = try Self.requirements(selector.labelSelector)
        annotations = try Self.requirements(selector.annotationSelector)
    }

    func matches(_ resource: Resource) -> Bool {
        if !selector.group.isEmpty && selector.group != resource.group { return false }
        if !selector.version.isEmpty && selector.version != resource.version { return false }
        if !selector.kind.isEmpty && selector.kind != resource.kind { return false }
        if let name, !(resource.nameHistory + [resource.name]).contains(where: name.matches) { return false }
        if let namespace, !namespace.matches(resource.namespace) { return false }
        if !labels.isEmpty {
            let map = resource.labels
            if !labels.allSatisfy({ $0.matches(map) }) { return false }
        }
        if !annotations.isEmpty {
            let map = resource.annotations
            if !annotations.allSatisfy({ $0.matches(map) }) { return false }
        }
        return true
    }

    /// An anchored regex, matched without the regex engine when the text has no pattern characters.
    struct Pattern {
        let literal: String?
        let regex: Regex<AnyRegexOutput>?

        init(_ text: String) throws(KustomizeError) {
            let special = Set("\\^$.*+?()[]{}|")
            if text.contains(where: { special.contains($0) }) {
                do {
                    regex = try Regex("^(?:" + text + ")$")
                } catch {
                    throw .decode("invalid regular expression '\(text)' in target: \(error)")
                }
                literal = nil
            } else {
                literal = text
                regex = nil
            }
        }

        func matches(_ value: String) -> Bool {
            if let literal { return literal == value }
            guard let regex else { return false }
            return (try? regex.wholeMatch(in: value)) != nil
        }
    }

    struct Requirement {
        enum Operator { case equals, notEquals, isIn, notIn, exists, doesNotExist }
        var key: String
        var op: Operator
        var values: Set<String>

        func matches(_ map: [String: String]) -> Bool {
            let value = map[key]
            switch op {
            case .equals, .isIn: return value.map(values.contains) ?? false
            case .notEquals, .notIn: return value.map { !values.contains($0) } ?? true
            case .exists: return value != nil
            case .doesNotExist: return value == nil
            }
        }
    }

    static func requirements(_ text: String) throws(KustomizeError) -> [Requirement] {
        var result: [Requirement] = []
        var parts: [String] = []
        var current = ""
        var depth = 0
        for character in text {
            if character == "(" { depth += 1 }
            if character == ")" { depth -= 1 }
            if character == ",", depth == 0 {
                parts.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        parts.append(current)
        for raw in parts {
            let part = raw.trimmingCharacters(in: .whitespaces)
            if part.isEmpty { continue }
            func set(_ list: Substring) -> Set<String> {
                Set(list.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) })
            }
            if part.hasPrefix("!") {
                result.append(
                    Requirement(key: String(part.dropFirst()).trimmingCharacters(in: .whitespaces), op: .doesNotExist, values: []))
            } else if let range = part.range(of: "!=") {
                result.append(
                    Requirement(
                        key: String(part[..<range.lowerBound]).trimmingCharacters(in: .whitespaces), op: .notEquals,
                        values: [String(part[range.upperBound...]).trimmingCharacters(in: .whitespaces)]))
            } else if let range = part.range(of: "==") ?? part.range(of: "=") {
                result.append(
                    Requirement(
                        key: String(part[..<range.lowerBound]).trimmingCharacters(in: .whitespaces), op: .equals,
                        values: [String(part[range.upperBound...]).trimmingCharacters(in: .whitespaces)]))
            } else if let open = part.firstIndex(of: "("), part.hasSuffix(")") {
                let head = part[..<open].split(separator: " ").map(String.init)
                let list = part[part.index(after: open)..<part.index(before: part.endIndex)]
                guard head.count == 2, head[1] == "in" || head[1] == "notin" else {
                    throw .decode("unable to parse requirement '\(part)' in selector '\(text)'")
                }
                result.append(Requirement(key: head[0], op: head[1] == "in" ? .isIn : .notIn, values: set(list)))
            } else {
                result.append(Requirement(key: part, op: .exists, values: []))
            }
        }
        return result
    }
}
