import Foundation
import OCI

/// One entry of metadata-action's `tags` input, e.g. `type=semver,pattern={{major}}.{{minor}}` or
/// `type=sha,prefix=,format=long`, with the defaults metadata-action fills in (priority by type, `sha-` prefix,
/// `pr-` prefix, `nightly` schedule pattern).
public struct TagRule: Sendable, Hashable {
    public enum Kind: String, Sendable, CaseIterable {
        case schedule, semver, pep440, match, edge, ref, raw, sha

        var defaultPriority: Int {
            switch self {
            case .schedule: 1000
            case .semver, .pep440: 900
            case .match: 800
            case .edge: 700
            case .ref: 600
            case .raw: 200
            case .sha: 100
            }
        }
    }

    public var kind: Kind
    /// Attributes as written (keys lowercased), defaults filled in.
    public var attributes: [String: String]

    public var priority: Int { attributes["priority"].flatMap { Int($0) } ?? kind.defaultPriority }

    /// metadata-action's defaults when `tags` is empty.
    public static let defaults = ["type=schedule", "type=ref,event=branch", "type=ref,event=tag", "type=ref,event=pr"]

    public init(parsing entry: String) throws(MetadataError) {
        func invalid(_ why: String) -> MetadataError { .invalidEntry(input: "tags", entry: entry, why: why) }
        var kind: Kind?
        var attributes: [String: String] = [:]
        for (key, value) in try CSVFields.attributes(entry, input: "tags") {
            // A bare field is the value.
            guard let value else {
                attributes["value"] = key
                continue
            }
            if key.lowercased() == "type" {
                guard let parsed = Kind(rawValue: value) else {
                    throw invalid("unknown tag type '\(value)' (expected one of \(Kind.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                kind = parsed
            } else {
                attributes[key.lowercased()] = value
            }
        }
        let resolved = kind ?? .raw
        switch resolved {
        case .schedule:
            if attributes["pattern"] == nil { attributes["pattern"] = "nightly" }
        case .semver, .pep440:
            guard attributes["pattern"] != nil else {
                throw invalid("type=\(resolved.rawValue) needs a pattern attribute, e.g. pattern={{version}}")
            }
            if attributes["value"] == nil { attributes["value"] = "" }
        case .match:
            guard attributes["pattern"] != nil else { throw invalid("type=match needs a pattern attribute") }
            if attributes["group"] == nil { attributes["group"] = "0" }
            guard Int(attributes["group"] ?? "") != nil else { throw invalid("the match group must be a number") }
            if attributes["value"] == nil { attributes["value"] = "" }
        case .edge:
            if attributes["branch"] == nil { attributes["branch"] = "" }
        case .ref:
            guard let event = attributes["event"] else { throw invalid("type=ref needs an event attribute (branch, tag or pr)") }
            guard ["branch", "tag", "pr"].contains(event) else { throw invalid("invalid event '\(event)' (expected branch, tag or pr)") }
            if event == "pr", attributes["prefix"] == nil { attributes["prefix"] = "pr-" }
        case .raw:
            guard attributes["value"] != nil else { throw invalid("type=raw needs a value") }
        case .sha:
            if attributes["prefix"] == nil { attributes["prefix"] = "sha-" }
            if attributes["format"] == nil { attributes["format"] = "short" }
            guard ["short", "long"].contains(attributes["format"] ?? "") else {
                throw invalid("invalid format '\(attributes["format"] ?? "")' (expected short or long)")
            }
        }
        if attributes["enable"] == nil { attributes["enable"] = "true" }
        if attributes["priority"] == nil { attributes["priority"] = String(resolved.defaultPriority) }
        guard Int(attributes["priority"] ?? "") != nil else { throw invalid("priority must be a number") }
        self.kind = resolved
        self.attributes = attributes
    }

    /// Parses entries and orders them by priority, highest first (a stable sort, as JavaScript's).
    public static func parse(_ entries: [String]) throws(MetadataError) -> [TagRule] {
        var rules: [TagRule] = []
        for entry in entries.isEmpty ? defaults : entries { rules.append(try TagRule(parsing: entry)) }
        return rules.enumerated().sorted { lhs, rhs in
            lhs.element.priority != rhs.element.priority ? lhs.element.priority > rhs.element.priority : lhs.offset < rhs.offset
        }.map(\.element)
    }
}

/// Splits one CSV record (commas outside double quotes; `""` is a quote inside quotes), as metadata-action and
/// buildx read their list entries (`type=sha,prefix=`, `type=image,"name=a,b",push=true`).
public enum CSVFields {
    /// The fields as `key=value` attributes, trimmed: the key ends at the first `=` (a value may hold more, as in
    /// `tz='Asia/Tokyo'`); a field without `=` has a nil value.
    public static func attributes(_ line: String, input: String) throws(MetadataError) -> [(key: String, value: String?)] {
        try split(line, input: input).map { field in
            let parts = field.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            return (parts[0], parts.count > 1 ? parts[1] : nil)
        }
    }

    public static func split(_ line: String, input: String) throws(MetadataError) -> [String] {
        var fields: [String] = []
        var current = ""
        var quoted = false
        var index = line.startIndex
        while index < line.endIndex {
            let character = line[index]
            let next = line.index(after: index)
            if quoted {
                if character == "\"" {
                    if next < line.endIndex, line[next] == "\"" {
                        current.append("\"")
                        index = line.index(after: next)
                        continue
                    }
                    quoted = false
                } else {
                    current.append(character)
                }
            } else if character == "\"", current.allSatisfy(\.isWhitespace) {
                current = ""
                quoted = true
            } else if character == "," {
                fields.append(current)
                current = ""
            } else {
                current.append(character)
            }
            index = next
        }
        guard !quoted else { throw .invalidEntry(input: input, entry: line, why: "an unclosed double quote") }
        fields.append(current)
        return fields
    }
}
