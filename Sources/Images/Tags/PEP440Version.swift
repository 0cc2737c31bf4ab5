import Foundation
import OCI

/// A Python (PEP 440) version, for `type=pep440` tags: `1.2.3`, `v1.2.3rc2`, `1.2.3.post1`, `1.0.dev4`, `1!2.0+local`.
public struct PEP440Version: Sendable, Hashable {
    public var epoch: Int
    public var release: [Int]
    public var pre: (label: String, number: Int)? { preLabel.map { ($0, preNumber) } }
    public var post: Int?
    public var dev: Int?
    public var local: String?
    var preLabel: String?
    var preNumber: Int = 0

    public var isPrerelease: Bool { preLabel != nil || dev != nil }
    public var isPostrelease: Bool { post != nil }
    public var isDevrelease: Bool { dev != nil }
    public var major: Int { release.first ?? 0 }
    public var minor: Int { release.count > 1 ? release[1] : 0 }
    public var patch: Int { release.count > 2 ? release[2] : 0 }

    /// The normalised form (`1.2.3b2`, `1.2.3.post1`, `1.0.dev4`).
    public var normalized: String {
        var text = epoch == 0 ? "" : "\(epoch)!"
        text += release.map(String.init).joined(separator: ".")
        if let preLabel { text += "\(preLabel)\(preNumber)" }
        if let post { text += ".post\(post)" }
        if let dev { text += ".dev\(dev)" }
        if let local { text += "+" + local }
        return text
    }

    private static let pattern: NSRegularExpression? = try? NSRegularExpression(
        pattern: [
            #"^\s*v?(?:(?:([0-9]+)!)?([0-9]+(?:\.[0-9]+)*)([-_.]?(a|b|c|rc|alpha|beta|pre|preview)[-_.]?([0-9]+)?)"#,
            #"?((?:-([0-9]+))|(?:[-_.]?(post|rev|r)[-_.]?([0-9]+)?))?([-_.]?(dev)[-_.]?([0-9]+)?)?)(?:\+([a-z0-9]+"#,
            #"(?:[-_.][a-z0-9]+)*))?\s*$"#,
        ].joined(),
        options: [.caseInsensitive]
    )

    public init?(_ text: String) {
        let range = NSRange(text.startIndex..., in: text)
        guard let regex = Self.pattern, let match = regex.firstMatch(in: text, range: range) else { return nil }
        func group(_ index: Int) -> String? {
            let r = match.range(at: index)
            guard r.location != NSNotFound, let swiftRange = Range(r, in: text) else { return nil }
            return String(text[swiftRange])
        }
        epoch = group(1).flatMap { Int($0) } ?? 0
        release = (group(2) ?? "0").split(separator: ".").map { Int($0) ?? 0 }
        if let label = group(4)?.lowercased() {
            switch label {
            case "alpha", "a": preLabel = "a"
            case "beta", "b": preLabel = "b"
            default: preLabel = "rc"
            }
            preNumber = group(5).flatMap { Int($0) } ?? 0
        }
        if group(6) != nil { post = (group(7) ?? group(9)).flatMap { Int($0) } ?? 0 }
        if group(10) != nil { dev = group(12).flatMap { Int($0) } ?? 0 }
        local = group(13).map { $0.lowercased().replacingOccurrences(of: "-", with: ".").replacingOccurrences(of: "_", with: ".") }
    }

    public static func == (lhs: PEP440Version, rhs: PEP440Version) -> Bool { lhs.normalized == rhs.normalized }
    public func hash(into hasher: inout Hasher) { hasher.combine(normalized) }
}
