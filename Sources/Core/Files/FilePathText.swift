/// Path arithmetic on strings, for the places that used `NSString`'s: swift-corelibs-foundation's
/// `deletingLastPathComponent` traps (SIGILL) when the last component is one character (`/x`, `a/b`), which
/// crashed every unpack and build of an image with such a path.
public enum FilePathText {
    /// The path without its last component, as `NSString.deletingLastPathComponent` answers it: `a/b` → `a`,
    /// `/a` → `/`, `a` → ``, `/` → `/`; trailing and doubled slashes do not count as components.
    public static func parent(of path: String) -> String {
        var text = Substring(path)
        while text.count > 1, text.hasSuffix("/") { text = text.dropLast() }
        if text == "/" { return "/" }
        guard let slash = text.lastIndex(of: "/") else { return "" }
        var head = text[..<slash]
        while head.hasSuffix("/") { head = head.dropLast() }
        return head.isEmpty ? "/" : String(head)
    }

    /// The last component: `a/b` → `b`, `a/b/` → `b`, `/` → `/`, `` → ``.
    public static func lastComponent(of path: String) -> String {
        var text = Substring(path)
        while text.count > 1, text.hasSuffix("/") { text = text.dropLast() }
        if text == "/" { return "/" }
        guard let slash = text.lastIndex(of: "/") else { return String(text) }
        return String(text[text.index(after: slash)...])
    }
}
