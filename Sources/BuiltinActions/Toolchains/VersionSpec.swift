import Foundation

/// A version range as `actions/setup-*` read them (node-semver): `1.23` and `1.23.x` mean any 1.23 patch, `1` any
/// 1.x, `^1.22`, `~1.23.1`, comparisons (`>=1.21 <1.24`), alternatives joined by `||`; `stable` and `*` take the newest.
struct VersionSpec: Sendable, CustomStringConvertible {
    let description: String
    private let alternatives: [[(String, ToolVersion, Int)]]

    init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        description = trimmed
        var alternatives: [[(String, ToolVersion, Int)]] = []
        for alternative in trimmed.components(separatedBy: "||") {
            var terms: [(String, ToolVersion, Int)] = []
            for term in alternative.split(separator: " ") where !term.isEmpty {
                var body = String(term)
                if ["stable", "latest", "*", "x"].contains(body) {
                    terms.append((">=", ToolVersion(0, 0, 0), 3))
                    continue
                }
                if body.hasPrefix("v") || body.hasPrefix("go") { body.removeFirst(body.hasPrefix("go") ? 2 : 1) }
                let operators = [">=", "<=", ">", "<", "=", "^", "~"]
                let op = operators.first { body.hasPrefix($0) } ?? ""
                body.removeFirst(op.count)
                let parts = body.split(separator: ".").map(String.init)
                let given = parts.prefix { Int($0) != nil }.count
                guard given >= 1, given == parts.count || parts[given...].allSatisfy({ $0 == "x" || $0 == "*" }),
                    let version = ToolVersion(parts.prefix(given).joined(separator: "."))
                else { return nil }
                terms.append((op, version, given))
            }
            guard !terms.isEmpty else { return nil }
            alternatives.append(terms)
        }
        guard !alternatives.isEmpty else { return nil }
        self.alternatives = alternatives
    }

    func accepts(_ version: ToolVersion) -> Bool {
        alternatives.contains { terms in terms.allSatisfy { Self.term($0, accepts: version) } }
    }

    private static func term(_ term: (String, ToolVersion, Int), accepts v: ToolVersion) -> Bool {
        let (op, base, given) = term
        // The exclusive upper bound of a partial version: 1.23 → 1.24.0, 1 → 2.0.0.
        let partialEnd =
            given >= 3 ? nil : (given == 2 ? ToolVersion(base.major, base.minor + 1, 0) : ToolVersion(base.major + 1, 0, 0))
        switch op {
        case ">=": return v >= base
        case ">": return partialEnd.map { v >= $0 } ?? (v > base)
        case "<=": return partialEnd.map { v < $0 } ?? (v <= base)
        case "<": return v < base
        case "^":
            let end =
                base.major > 0
                ? ToolVersion(base.major + 1, 0, 0)
                : (base.minor > 0 || given < 3 ? ToolVersion(0, base.minor + 1, 0) : ToolVersion(0, 0, base.patch + 1))
            return v >= base && v < end
        case "~":
            let end = given == 1 ? ToolVersion(base.major + 1, 0, 0) : ToolVersion(base.major, base.minor + 1, 0)
            return v >= base && v < end
        default:
            return v >= base && (partialEnd.map { v < $0 } ?? (v == base))
        }
    }
}
