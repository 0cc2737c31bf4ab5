import CDispatch
import Core
import Foundation
import Glibc
import OCI

/// The files a build may read: the context directory minus what `.dockerignore` excludes (`!` re-includes; the
/// last matching pattern wins; a pattern that matches a directory covers everything below it).
struct BuildContext {
    let root: String
    private let rules: [(glob: PathGlob, exclude: Bool)]

    init(root: String) {
        self.root = root
        var rules: [(PathGlob, Bool)] = []
        if let text = try? String(contentsOfFile: "\(root)/.dockerignore", encoding: .utf8) {
            for raw in text.split(whereSeparator: \.isNewline) {
                var line = raw.trimmingCharacters(in: .whitespaces)
                if line.isEmpty || line.hasPrefix("#") { continue }
                var exclude = true
                if line.hasPrefix("!") {
                    exclude = false
                    line = String(line.dropFirst()).trimmingCharacters(in: .whitespaces)
                }
                line = BuildContext.clean(line)
                if line.isEmpty { continue }
                rules.append((PathGlob(line), exclude))
            }
        }
        self.rules = rules
    }

    static func clean(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/") {
            if part == "." { continue }
            if part == ".." {
                if !parts.isEmpty { parts.removeLast() }
                continue
            }
            parts.append(part)
        }
        return parts.joined(separator: "/")
    }

    /// Whether an excluded directory may still hold files a later `!` pattern lets through, so a copy must look
    /// inside it (`dir` then `!dir/keep`).
    func mayIncludeBelow(_ directory: String) -> Bool {
        rules.contains { !$0.exclude && ($0.glob.description.hasPrefix(directory + "/") || $0.glob.description.contains("**")) }
    }

    func isExcluded(_ relative: String) -> Bool {
        var excluded = false
        for rule in rules where rule.glob.matchesSelfOrAncestor(relative) { excluded = rule.exclude }
        return excluded
    }
}
