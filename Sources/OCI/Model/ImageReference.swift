import CDispatch
import Glibc

/// An image reference such as `golang:1.23-alpine`, `127.0.0.1:5000/team/app:sha-1a2b3c4d` or `repo@sha256:…`,
/// normalised the way Docker does: `docker.io` by default, `library/` for single-component names, `latest` when
/// neither a tag nor a digest is given.
public struct ImageReference: Hashable, Sendable, CustomStringConvertible {
    public var registry: String
    public var repository: String
    public var tag: String?
    public var digest: Digest?

    public static let dockerHub = "docker.io"

    public init(registry: String, repository: String, tag: String? = nil, digest: Digest? = nil) {
        self.registry = registry
        self.repository = repository
        self.tag = tag
        self.digest = digest
    }

    public init(parsing text: String) throws(ImageError) {
        var rest = Substring(text)
        guard !rest.isEmpty else { throw .invalidReference(text, "it is empty") }
        var digest: Digest?
        if let at = rest.firstIndex(of: "@") {
            digest = try Digest(parsing: String(rest[rest.index(after: at)...]))
            rest = rest[..<at]
        }
        var tag: String?
        if let colon = rest.lastIndex(of: ":"), !rest[colon...].contains("/") {
            tag = String(rest[rest.index(after: colon)...])
            rest = rest[..<colon]
        }
        var registry = ImageReference.dockerHub
        var path = String(rest)
        if let slash = rest.firstIndex(of: "/") {
            let first = rest[..<slash]
            if first.contains(".") || first.contains(":") || first == "localhost" {
                registry = String(first)
                path = String(rest[rest.index(after: slash)...])
            }
        }
        if registry == "index.docker.io" || registry == "registry-1.docker.io" { registry = ImageReference.dockerHub }
        if registry == ImageReference.dockerHub, !path.contains("/") { path = "library/" + path }
        guard ImageReference.isValidRepository(path) else {
            throw .invalidReference(
                text, "repository '\(path)' must be lowercase path components of [a-z0-9] separated by '.', '_', '__' or '-'")
        }
        if let tag, !ImageReference.isValidTag(tag) {
            throw .invalidReference(text, "tag '\(tag)' must match [A-Za-z0-9_][A-Za-z0-9._-]{0,127}")
        }
        if tag == nil, digest == nil { tag = "latest" }
        self.init(registry: registry, repository: path, tag: tag, digest: digest)
    }

    /// The tag, or else the digest: what `/v2/<name>/manifests/<reference>` takes.
    public var reference: String { digest?.description ?? tag ?? "latest" }

    public var description: String {
        var text = "\(registry)/\(repository)"
        if let tag { text += ":\(tag)" }
        if let digest { text += "@\(digest)" }
        return text
    }

    /// A short form for messages: `golang:1.23` rather than `docker.io/library/golang:1.23`.
    public var familiar: String {
        var name = registry == ImageReference.dockerHub ? repository : "\(registry)/\(repository)"
        if registry == ImageReference.dockerHub, name.hasPrefix("library/") { name.removeFirst(8) }
        if let tag { name += ":\(tag)" }
        if let digest { name += "@\(digest)" }
        return name
    }

    public func withTag(_ tag: String) -> ImageReference { ImageReference(registry: registry, repository: repository, tag: tag) }

    public static func isValidTag(_ tag: String) -> Bool {
        let bytes = Array(tag.utf8)
        guard (1...128).contains(bytes.count) else { return false }
        func word(_ b: UInt8) -> Bool { (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b == 95 }
        guard word(bytes[0]) else { return false }
        return bytes.dropFirst().allSatisfy { word($0) || $0 == 46 || $0 == 45 }
    }

    public static func isValidRepository(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 255 else { return false }
        for component in name.split(separator: "/", omittingEmptySubsequences: false) {
            let bytes = Array(component.utf8)
            func alnum(_ b: UInt8) -> Bool { (b >= 48 && b <= 57) || (b >= 97 && b <= 122) }
            guard let first = bytes.first, let last = bytes.last, alnum(first), alnum(last) else { return false }
            var index = 0
            while index < bytes.count {
                let b = bytes[index]
                if alnum(b) {
                    index += 1
                    continue
                }
                // Separators: '.', '_', '__', or one or more '-'.
                if b == 46 {
                    guard index + 1 < bytes.count, alnum(bytes[index + 1]) else { return false }
                    index += 1
                    continue
                }
                if b == 95 {
                    if index + 1 < bytes.count, bytes[index + 1] == 95 { index += 1 }
                    guard index + 1 < bytes.count, alnum(bytes[index + 1]) else { return false }
                    index += 1
                    continue
                }
                if b == 45 {
                    while index < bytes.count, bytes[index] == 45 { index += 1 }
                    guard index < bytes.count, alnum(bytes[index]) else { return false }
                    continue
                }
                return false
            }
        }
        return true
    }
}
