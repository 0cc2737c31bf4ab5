import Foundation

/// A git repository and a directory in it, as a `resources:` entry (or the argument of `kustomize build`) names them:
/// `https://github.com/org/repo//path?ref=v1`, `github.com/org/repo/path`, `git@github.com:org/repo.git/path`,
/// `ssh://git@host/org/repo//path`, `file:///abs/repo.git//path?ref=tag`. The grammar is kustomize v5's: the query
/// (`ref`, else `version`; `timeout`; `submodules`) is cut off first, then the host with its scheme or SCP-style user,
/// then the repository path ends at `//`, else after `.git` or `_git/<name>`, else after two segments (`file://`
/// repositories need one of the explicit markers).
public struct RemoteSpec: Hashable, Sendable {
    /// The entry as written.
    public var raw: String
    /// What `git fetch` is given.
    public var cloneURL: String
    /// The kustomization directory inside the repository; empty for its root.
    public var path: String
    /// Branch, tag or commit; nil means the remote's `HEAD`.
    public var ref: String?
    public var timeout: Duration
    public var submodules: Bool

    public static let defaultTimeout = Duration.seconds(27)

    /// Why an entry that looks like a URL is not a usable repository reference.
    public struct ParseError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Parses `entry`; nil when it is not a remote reference at all (a local path), an error when it is one but
    /// malformed.
    public static func parse(_ entry: String) -> Result<RemoteSpec, ParseError>? {
        if entry.hasPrefix("/") { return nil }
        let (location, query) =
            entry.firstRange(of: "?").map {
                (String(entry[..<$0.lowerBound]), String(entry[$0.upperBound...]))
            } ?? (entry, "")
        guard let (host, rest) = splitHost(location) else { return nil }
        let lowered = location.lowercased()
        if lowered.hasPrefix("http"), !rest.contains("//"), !rest.contains(".git"), !rest.contains("_git/"),
            [".yaml", ".yml", ".json"].contains(where: { lowered.hasSuffix($0) })
        {
            return .failure(
                ParseError(
                    description:
                        "'\(redactingPasswords(entry))': plain HTTP file resources are not supported; name a git repository and "
                        + "directory instead (https://host/org/repo//path?ref=...)"
                ))
        }
        let repositoryPath: String
        let path: String
        switch splitPath(rest, markersRequired: host.hasPrefix("file://")) {
        case .success(let parts): (repositoryPath, path) = parts
        case .failure(let error):
            return .failure(ParseError(description: "'\(redactingPasswords(entry))': \(error.description)"))
        }
        guard !repositoryPath.isEmpty else {
            return .failure(ParseError(description: "'\(redactingPasswords(entry))': failed to parse repo path segment"))
        }
        var spec = RemoteSpec(
            raw: entry, cloneURL: host + repositoryPath, path: path, ref: nil, timeout: defaultTimeout, submodules: true)
        spec.applyQuery(query)
        return .success(spec)
    }

    /// `text` with the password of the clone URL (as written and percent-decoded) replaced by `***`, so that
    /// credentials in a URL never reach a message, a warning or a log.
    public func scrub(_ text: String) -> String {
        guard let scheme = cloneURL.range(of: "://"),
            let at = cloneURL[scheme.upperBound...].firstIndex(of: "@"),
            !cloneURL[scheme.upperBound..<at].contains("/"),
            let colon = cloneURL[scheme.upperBound..<at].firstIndex(of: ":")
        else { return text }
        let password = String(cloneURL[cloneURL.index(after: colon)..<at])
        guard !password.isEmpty else { return text }
        var scrubbed = text.replacingOccurrences(of: password, with: "***")
        if let decoded = password.removingPercentEncoding, decoded != password {
            scrubbed = scrubbed.replacingOccurrences(of: decoded, with: "***")
        }
        return scrubbed
    }

    /// `text` with the password of a `scheme://user:password@` prefix replaced, for entries that did not parse.
    static func redactingPasswords(_ text: String) -> String {
        guard let scheme = text.range(of: "://"),
            let at = text[scheme.upperBound...].firstIndex(of: "@"),
            !text[scheme.upperBound..<at].contains("/"),
            let colon = text[scheme.upperBound..<at].firstIndex(of: ":")
        else { return text }
        return String(text[...colon]) + "***" + String(text[at...])
    }

    // MARK: - Grammar

    private static let schemes = ["ssh://", "https://", "http://", "file://"]

    /// The host part including its scheme, user and separator, and the rest; nil when `location` has neither a
    /// scheme nor an SCP-style `user@host:` nor the bare `github.com` host (a local path, then).
    private static func splitHost(_ location: String) -> (host: String, rest: String)? {
        var rest = location
        if rest.lowercased().hasPrefix("git::") { rest.removeFirst(5) }
        var scheme = ""
        if let found = schemes.first(where: { rest.lowercased().hasPrefix($0) }) {
            scheme = found
            rest.removeFirst(found.count)
        }
        if scheme == "file://" { return (scheme, rest) }
        var user = ""
        if scheme.isEmpty || scheme == "ssh://", let at = rest.firstIndex(of: "@"),
            !rest[..<at].contains("/")
        {
            user = String(rest[...at])
            rest = String(rest[rest.index(after: at)...])
        }
        let standardGitHub = rest.lowercased().hasPrefix("github.com/") || rest.lowercased().hasPrefix("github.com:")
        let scpStyle = scheme.isEmpty && (!user.isEmpty || standardGitHub)
        if scheme.isEmpty && !scpStyle { return nil }
        var separator = rest.firstIndex(of: "/")
        if scpStyle, let colon = rest.firstIndex(of: ":"), separator.map({ colon < $0 }) ?? true { separator = colon }
        guard let separator, separator > rest.startIndex else { return nil }
        var host = String(rest[...separator])
        let remainder = String(rest[rest.index(after: separator)...])
        if standardGitHub {
            // kustomize normalises GitHub: SSH or any user means `git@github.com:`, everything else HTTPS.
            if scheme == "ssh://" || !user.isEmpty {
                (scheme, user, host) = ("", "git@", "github.com:")
            } else {
                (scheme, user, host) = ("https://", "", "github.com/")
            }
        }
        return (scheme + user + host, remainder)
    }

    private static func splitPath(_ rest: String, markersRequired: Bool) -> Result<(String, String), ParseError> {
        if let double = rest.range(of: "//") {
            return .success((String(rest[..<double.lowerBound]), String(rest[double.upperBound...])))
        }
        if let marker = rest.range(of: "_git/") {
            let after = rest[marker.upperBound...]
            let name = after.prefix { $0 != "/" }
            let inside = after.dropFirst(name.count).drop { $0 == "/" }
            return .success((String(rest[..<marker.upperBound]) + name, String(inside)))
        }
        if let suffix = rest.range(of: ".git") {
            let inside = rest[suffix.upperBound...].drop { $0 == "/" }
            return .success((String(rest[..<suffix.upperBound]), String(inside)))
        }
        if markersRequired {
            return .failure(
                ParseError(description: "failed to parse repo path segment: a file:// URL needs '//' or '.git' after the repository"))
        }
        let segments = rest.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false)
        guard segments.count >= 2, !segments[0].isEmpty, !segments[1].isEmpty else {
            return .failure(ParseError(description: "failed to parse repo path segment: expected org/repo after the host"))
        }
        return .success((segments[0] + "/" + segments[1], segments.count > 2 ? String(segments[2]) : ""))
    }

    private mutating func applyQuery(_ query: String) {
        var values: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(parts[0]).removingPercentEncoding ?? String(parts[0])
            let value = parts.count > 1 ? (String(parts[1]).removingPercentEncoding ?? String(parts[1])) : ""
            if values[key] == nil { values[key] = value }
        }
        if let value = values["ref"], !value.isEmpty {
            ref = value
        } else if let value = values["version"], !value.isEmpty {
            ref = value
        }
        if let value = values["timeout"], let parsed = Self.duration(value) { timeout = parsed }
        if let value = values["submodules"], let parsed = Self.goBool(value) { submodules = parsed }
    }

    /// Integer seconds, else a Go duration such as `90s`, `1m30s` or `1.5m`; only positive values count.
    static func duration(_ text: String) -> Duration? {
        if let seconds = Int(text) { return seconds > 0 ? .seconds(seconds) : nil }
        let units: [(String, Double)] = [("ns", 1e-9), ("us", 1e-6), ("µs", 1e-6), ("ms", 1e-3), ("s", 1), ("m", 60), ("h", 3600)]
        var total = 0.0
        var rest = Substring(text)
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard !number.isEmpty, let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            guard let unit = units.filter({ rest.hasPrefix($0.0) }).max(by: { $0.0.count < $1.0.count }) else { return nil }
            rest = rest.dropFirst(unit.0.count)
            total += value * unit.1
        }
        return total > 0 ? .milliseconds(Int64((total * 1000).rounded())) : nil
    }

    /// Go's `strconv.ParseBool`.
    static func goBool(_ text: String) -> Bool? {
        switch text {
        case "1", "t", "T", "TRUE", "true", "True": true
        case "0", "f", "F", "FALSE", "false", "False": false
        default: nil
        }
    }
}
