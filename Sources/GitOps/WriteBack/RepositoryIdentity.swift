import Foundation

/// One spelling for every way of naming a repository, so that writers naming it differently (`https://…/a/b.git`,
/// `git@host:a/b`, a path through a symlink) meet on the same lock.
enum RepositoryIdentity {
    static func normalised(_ repository: String) -> String {
        var text = repository.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("file://") { text = String(text.dropFirst("file://".count)) }
        if let schemeEnd = text.range(of: "://") {
            var rest = String(text[schemeEnd.upperBound...])
            let slash = rest.firstIndex(of: "/") ?? rest.endIndex
            var authority = String(rest[..<slash])
            rest = String(rest[slash...])
            if let at = authority.lastIndex(of: "@") { authority = String(authority[authority.index(after: at)...]) }
            let scheme = text[..<schemeEnd.lowerBound].lowercased()
            for (name, port) in [("https", ":443"), ("http", ":80"), ("ssh", ":22"), ("git", ":9418")]
            where scheme.hasSuffix(name) && authority.hasSuffix(port) {
                authority.removeLast(port.count)
            }
            return authority.lowercased() + trimmedPath(rest)
        }
        // scp-like `user@host:path` (a colon before any slash).
        if let colon = text.firstIndex(of: ":"), !text[..<colon].contains("/"), text.first != "/" {
            var host = String(text[..<colon])
            if let at = host.lastIndex(of: "@") { host = String(host[host.index(after: at)...]) }
            let path = String(text[text.index(after: colon)...])
            return host.lowercased() + trimmedPath(path.hasPrefix("/") ? path : "/" + path)
        }
        return URL(fileURLWithPath: text).standardizedFileURL.resolvingSymlinksInPath().path
    }

    private static func trimmedPath(_ path: String) -> String {
        var path = path
        while path.hasSuffix("/") { path.removeLast() }
        if path.hasSuffix(".git") { path.removeLast(4) }
        return path
    }
}
