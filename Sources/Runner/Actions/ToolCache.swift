import Core
import Foundation

/// Toolchains laid out as on GitHub's runners, `<root>/<tool>/<version>/<arch>`, searched in the run's own tool cache
/// and then Slipway's shared one (`~/.cache/slipway/toolcache`, where `scripts/setup` installs Go).
struct ToolCache: Sendable {
    var roots: [String]

    /// The newest installed version of `tool` that `spec` accepts, and its directory.
    func find(_ tool: String, matching spec: VersionSpec, architecture: String = "x64") -> (version: SemanticVersion, path: String)? {
        var best: (version: SemanticVersion, path: String)?
        for root in roots {
            let directory = root + "/" + tool
            for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] {
                guard let version = SemanticVersion(name), spec.accepts(version) else { continue }
                let path = directory + "/" + name + "/" + architecture
                guard FileManager.default.fileExists(atPath: path) else { continue }
                if best.map({ version > $0.version }) ?? true { best = (version, path) }
            }
        }
        return best
    }

    /// What is installed, for error messages.
    func installed(_ tool: String) -> [String] {
        roots.flatMap { (try? FileManager.default.contentsOfDirectory(atPath: $0 + "/" + tool)) ?? [] }
            .filter { SemanticVersion($0) != nil }.sorted()
    }
}

/// `major.minor.patch` as toolchains number themselves.
struct SemanticVersion: Comparable, Hashable, Sendable, CustomStringConvertible {
    var major: Int
    var minor: Int
    var patch: Int

    init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...3).contains(parts.count), let major = Int(parts[0]) else { return nil }
        self.major = major
        guard let minor = parts.count > 1 ? Int(parts[1]) : 0, let patch = parts.count > 2 ? Int(parts[2]) : 0 else { return nil }
        self.minor = minor
        self.patch = patch
    }

    init(_ major: Int, _ minor: Int, _ patch: Int) {
        (self.major, self.minor, self.patch) = (major, minor, patch)
    }

    static func < (a: Self, b: Self) -> Bool { (a.major, a.minor, a.patch) < (b.major, b.minor, b.patch) }
    var description: String { "\(major).\(minor).\(patch)" }
}

/// A version range as `actions/setup-*` read them (node-semver): `1.23` and `1.23.x` mean any 1.23 patch, `1` any
/// 1.x, `^1.22`, `~1.23.1`, comparisons (`>=1.21 <1.24`), alternatives joined by `||`; `stable` and `*` take the newest.
struct VersionSpec: Sendable, CustomStringConvertible {
    let description: String
    private let alternatives: [[(String, SemanticVersion, Int)]]

    init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        description = trimmed
        var alternatives: [[(String, SemanticVersion, Int)]] = []
        for alternative in trimmed.components(separatedBy: "||") {
            var terms: [(String, SemanticVersion, Int)] = []
            for term in alternative.split(separator: " ") where !term.isEmpty {
                var body = String(term)
                if ["stable", "latest", "*", "x"].contains(body) {
                    terms.append((">=", SemanticVersion(0, 0, 0), 3))
                    continue
                }
                if body.hasPrefix("v") || body.hasPrefix("go") { body.removeFirst(body.hasPrefix("go") ? 2 : 1) }
                let operators = [">=", "<=", ">", "<", "=", "^", "~"]
                let op = operators.first { body.hasPrefix($0) } ?? ""
                body.removeFirst(op.count)
                let parts = body.split(separator: ".").map(String.init)
                let given = parts.prefix { Int($0) != nil }.count
                guard given >= 1, given == parts.count || parts[given...].allSatisfy({ $0 == "x" || $0 == "*" }),
                    let version = SemanticVersion(parts.prefix(given).joined(separator: "."))
                else { return nil }
                terms.append((op, version, given))
            }
            guard !terms.isEmpty else { return nil }
            alternatives.append(terms)
        }
        guard !alternatives.isEmpty else { return nil }
        self.alternatives = alternatives
    }

    func accepts(_ version: SemanticVersion) -> Bool {
        alternatives.contains { terms in terms.allSatisfy { Self.term($0, accepts: version) } }
    }

    private static func term(_ term: (String, SemanticVersion, Int), accepts v: SemanticVersion) -> Bool {
        let (op, base, given) = term
        // The exclusive upper bound of a partial version: 1.23 → 1.24.0, 1 → 2.0.0.
        let partialEnd =
            given >= 3 ? nil : (given == 2 ? SemanticVersion(base.major, base.minor + 1, 0) : SemanticVersion(base.major + 1, 0, 0))
        switch op {
        case ">=": return v >= base
        case ">": return partialEnd.map { v >= $0 } ?? (v > base)
        case "<=": return partialEnd.map { v < $0 } ?? (v <= base)
        case "<": return v < base
        case "^":
            let end =
                base.major > 0 ? SemanticVersion(base.major + 1, 0, 0)
                : (base.minor > 0 || given < 3 ? SemanticVersion(0, base.minor + 1, 0) : SemanticVersion(0, 0, base.patch + 1))
            return v >= base && v < end
        case "~":
            let end = given == 1 ? SemanticVersion(base.major + 1, 0, 0) : SemanticVersion(base.major, base.minor + 1, 0)
            return v >= base && v < end
        default:
            return v >= base && (partialEnd.map { v < $0 } ?? (v == base))
        }
    }
}
