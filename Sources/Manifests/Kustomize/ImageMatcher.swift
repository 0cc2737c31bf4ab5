/// kustomize's image matching and rewriting (`api/internal/image`, `filters/imagetag`). The entry name is used as
/// an unescaped regular expression — `registry.example.com/app` also matches `registryXexample.com/app` — so plain
/// names are matched with `.` as a wildcard, and names with other pattern characters fall back to a real regex.
struct ImageMatcher {
    public let name: String
    private let pattern: [UInt8]
    private let regex: Regex<AnyRegexOutput>?

    public init(name: String) {
        self.name = name
        pattern = Array(name.utf8)
        let special = Set("\\^$*+?()[]{}|".utf8)
        if pattern.contains(where: { special.contains($0) }) {
            regex = try? Regex("^" + name + "(:[a-zA-Z0-9_.{}-]*)?(@sha256:[a-zA-Z0-9_.{}-]*)?$")
        } else {
            regex = nil
        }
    }

    public func matches(_ image: String) -> Bool {
        if let regex { return (try? regex.wholeMatch(in: image)) != nil }
        let bytes = Array(image.utf8)
        guard bytes.count >= pattern.count else { return false }
        for (i, p) in pattern.enumerated() where p != bytes[i] {
            if p == UInt8(ascii: "."), bytes[i] != UInt8(ascii: "\n") { continue }
            return false
        }
        var rest = bytes[pattern.count...]
        func allowed(_ b: UInt8) -> Bool {
            (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
                || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: "_")
                || b == UInt8(ascii: ".") || b == UInt8(ascii: "{") || b == UInt8(ascii: "}") || b == UInt8(ascii: "-")
        }
        if rest.first == UInt8(ascii: ":") {
            rest = rest.dropFirst().drop(while: allowed)
        }
        if rest.first == UInt8(ascii: "@") {
            let digest = Array("@sha256:".utf8)
            guard rest.starts(with: digest) else { return false }
            rest = rest.dropFirst(digest.count).drop(while: allowed)
        }
        return rest.isEmpty
    }

    /// The rewritten image, or nil when `image` does not match.
    public func update(_ image: String, with entry: Kustomization.Image) -> String? {
        guard matches(image) else { return nil }
        var (name, tag, digest) = Self.split(image)
        if !entry.newName.isEmpty { name = entry.newName }
        if !entry.newTag.isEmpty && !entry.digest.isEmpty {
            tag = entry.newTag
            digest = entry.digest
        } else if !entry.newTag.isEmpty {
            tag = entry.newTag
            digest = ""
        } else if !entry.digest.isEmpty {
            tag = ""
            digest = entry.digest
        }
        if !entry.tagSuffix.isEmpty { tag += entry.tagSuffix }
        if !tag.isEmpty { name += ":" + tag }
        if !digest.isEmpty { name += "@" + digest }
        return name
    }

    /// Splits `name[:tag][@digest]`, looking for `:` and `@` only after the first `/` (so registry ports stay in
    /// the name).
    public static func split(_ image: String) -> (name: String, tag: String, digest: String) {
        let bytes = Array(image.utf8)
        let slash = bytes.firstIndex(of: UInt8(ascii: "/")) ?? 0
        let search = bytes[slash...]
        let at = search.firstIndex(of: UInt8(ascii: "@"))
        let colon = search.firstIndex(of: UInt8(ascii: ":"))
        func text(_ slice: ArraySlice<UInt8>) -> String { String(decoding: slice, as: UTF8.self) }
        if let at, colon.map({ at < $0 }) ?? true {
            return (text(bytes[..<at]), "", text(bytes[(at + 1)...]))
        }
        if let colon {
            if let at {
                return (text(bytes[..<colon]), text(bytes[(colon + 1)..<at]), text(bytes[(at + 1)...]))
            }
            return (text(bytes[..<colon]), text(bytes[(colon + 1)...]), "")
        }
        return (image, "", "")
    }
}
