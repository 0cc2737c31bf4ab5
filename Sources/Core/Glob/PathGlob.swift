/// A file-path glob as `@actions/glob` (minimatch) reads one: `*` and `?` within a segment, `[abc]`/`[!a-z]` classes,
/// `\` escaping the next character, `**` for any number of segments; dot-files match like any other (`dot: true`, as
/// `@actions/glob` sets). Used where actions select files (artifacts, caches) and for deployment branch and tag
/// policies (GitHub's `File.fnmatch` with `FNM_PATHNAME` reads them the same way); branch and path filters of triggers
/// use `FilterPattern`, whose `?` and `+` mean something else.
public struct PathGlob: Sendable, Hashable, CustomStringConvertible {
    public let description: String
    private let segments: [String]

    public init(_ pattern: String) {
        description = pattern
        segments = pattern.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    }

    /// Whether `pattern` has any glob syntax.
    public static func hasMagic(_ pattern: String) -> Bool {
        pattern.contains { $0 == "*" || $0 == "?" || $0 == "[" }
    }

    /// The longest leading part of `pattern` without glob syntax: where a search for its matches starts.
    public static func searchRoot(_ pattern: String) -> String {
        var kept: [Substring] = []
        for segment in pattern.split(separator: "/", omittingEmptySubsequences: false) {
            if hasMagic(String(segment)) { break }
            kept.append(segment)
        }
        let joined = kept.joined(separator: "/")
        return joined.isEmpty && pattern.hasPrefix("/") ? "/" : joined
    }

    /// Whether the whole of `path` matches.
    public func matches(_ path: String) -> Bool {
        Self.match(segments[...], path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)[...])
    }

    /// Whether `path` or one of its ancestors matches (a matched directory brings everything below it).
    public func matchesSelfOrAncestor(_ path: String) -> Bool {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        return (1...max(parts.count, 1)).contains { Self.match(segments[...], parts.prefix($0)[...]) }
    }

    private static func match(_ pattern: ArraySlice<String>, _ path: ArraySlice<String>) -> Bool {
        guard let first = pattern.first else { return path.isEmpty }
        if first == "**" {
            let rest = pattern.dropFirst()
            var remaining = path
            while true {
                if match(rest, remaining) { return true }
                guard !remaining.isEmpty else { return false }
                remaining = remaining.dropFirst()
            }
        }
        guard let segment = path.first, wildcard(Array(first)[...], Array(segment)[...]) else { return false }
        return match(pattern.dropFirst(), path.dropFirst())
    }

    private static func wildcard(_ pattern: ArraySlice<Character>, _ name: ArraySlice<Character>) -> Bool {
        guard let head = pattern.first else { return name.isEmpty }
        switch head {
        case "*":
            var rest = name
            while true {
                if wildcard(pattern.dropFirst(), rest) { return true }
                guard !rest.isEmpty else { return false }
                rest = rest.dropFirst()
            }
        case "?":
            return !name.isEmpty && wildcard(pattern.dropFirst(), name.dropFirst())
        case "\\" where pattern.count > 1:
            let escaped = pattern[pattern.index(after: pattern.startIndex)]
            return name.first == escaped && wildcard(pattern.dropFirst(2), name.dropFirst())
        case "[":
            guard let close = pattern.dropFirst(2).firstIndex(of: "]"), let character = name.first else {
                return name.first == "[" && wildcard(pattern.dropFirst(), name.dropFirst())
            }
            var body = pattern[pattern.index(after: pattern.startIndex)..<close]
            let negated = body.first == "!" || body.first == "^"
            if negated { body = body.dropFirst() }
            var found = false
            var index = body.startIndex
            while index < body.endIndex {
                let low = body[index]
                if body.index(index, offsetBy: 2, limitedBy: body.endIndex).map({ $0 < body.endIndex }) == true,
                    body[body.index(after: index)] == "-"
                {
                    let high = body[body.index(index, offsetBy: 2)]
                    if low <= character && character <= high { found = true }
                    index = body.index(index, offsetBy: 3)
                } else {
                    if low == character { found = true }
                    index = body.index(after: index)
                }
            }
            return found != negated && wildcard(pattern[pattern.index(after: close)...], name.dropFirst())
        default:
            return name.first == head && wildcard(pattern.dropFirst(), name.dropFirst())
        }
    }
}
