/// A deployment branch or tag pattern, matched as GitHub matches them (Ruby's `File.fnmatch` with `FNM_PATHNAME`):
/// `*` matches any run of characters but `/`, `**/` any number of whole directories, `?` one character but `/`,
/// `[...]` a class (`[!...]` or `[^...]` negated) and `\` escapes the next character.
public enum RefPattern {
    /// Whether any of `patterns` matches `name`.
    public static func matchesAny(_ patterns: [String], _ name: String) -> Bool {
        patterns.contains { matches($0, name) }
    }

    public static func matches(_ pattern: String, _ name: String) -> Bool {
        match(Array(pattern), 0, Array(name), 0)
    }

    private static func match(_ p: [Character], _ pi: Int, _ s: [Character], _ si: Int) -> Bool {
        var pi = pi
        var si = si
        while pi < p.count {
            switch p[pi] {
            case "*":
                if pi + 2 < p.count, p[pi + 1] == "*", p[pi + 2] == "/" {
                    // `**/`: zero or more directories.
                    if match(p, pi + 3, s, si) { return true }
                    var next = si
                    while next < s.count {
                        if s[next] == "/", match(p, pi + 3, s, next + 1) { return true }
                        next += 1
                    }
                    return false
                }
                var rest = pi + 1
                while rest < p.count, p[rest] == "*" { rest += 1 }
                var next = si
                while true {
                    if match(p, rest, s, next) { return true }
                    guard next < s.count, s[next] != "/" else { return false }
                    next += 1
                }
            case "?":
                guard si < s.count, s[si] != "/" else { return false }
            case "[":
                guard si < s.count, s[si] != "/", let (matched, end) = matchClass(p, pi, s[si]) else { return false }
                guard matched else { return false }
                pi = end
            case "\\" where pi + 1 < p.count:
                pi += 1
                guard si < s.count, s[si] == p[pi] else { return false }
            default:
                guard si < s.count, s[si] == p[pi] else { return false }
            }
            pi += 1
            si += 1
        }
        return si == s.count
    }

    /// Whether `c` is in the class opening at `start`; answers the index of its `]` (nil when it is not closed, so
    /// the pattern matches nothing).
    private static func matchClass(_ p: [Character], _ start: Int, _ c: Character) -> (Bool, Int)? {
        var i = start + 1
        let negated = i < p.count && (p[i] == "!" || p[i] == "^")
        if negated { i += 1 }
        var found = false
        var first = true
        while i < p.count, p[i] != "]" || first {
            first = false
            var low = p[i]
            if low == "\\", i + 1 < p.count {
                i += 1
                low = p[i]
            }
            if i + 2 < p.count, p[i + 1] == "-", p[i + 2] != "]" {
                let high = p[i + 2]
                if low <= c && c <= high { found = true }
                i += 3
            } else {
                if low == c { found = true }
                i += 1
            }
        }
        guard i < p.count else { return nil }
        return (found != negated, i)
    }
}
