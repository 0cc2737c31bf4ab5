import Foundation

/// `major.minor.patch` as toolchains number themselves.
struct ToolVersion: Comparable, Hashable, Sendable, CustomStringConvertible {
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
