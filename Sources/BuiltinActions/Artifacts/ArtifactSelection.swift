import Core
import Foundation

/// The files an upload's `path` input selects, relative to their common root.
struct ArtifactSelection {
    var root = ""
    var files: [(source: String, path: String)] = []

    init(patterns text: String, workspace: String, includeHidden: Bool) {
        var includes: [String] = []
        var excludes: [PathGlob] = []
        for line in text.split(whereSeparator: \.isNewline) {
            var pattern = line.trimmingCharacters(in: .whitespaces)
            guard !pattern.isEmpty, !pattern.hasPrefix("#") else { continue }
            let negated = pattern.hasPrefix("!")
            if negated { pattern.removeFirst() }
            if pattern.hasPrefix("~") { pattern = NSHomeDirectory() + pattern.dropFirst() }
            if !pattern.hasPrefix("/") { pattern = workspace + "/" + pattern }
            pattern = Self.normalize(pattern)
            if negated { excludes.append(PathGlob(pattern)) } else { includes.append(pattern) }
        }
        let fm = FileManager.default
        var searchPaths: [String] = []
        var found: Set<String> = []
        for pattern in includes {
            let search = PathGlob.searchRoot(pattern)
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: search, isDirectory: &isDirectory) else { continue }
            let glob = PathGlob(pattern)
            var candidates: [String] = []
            if isDirectory.boolValue {
                for relative in (fm.enumerator(atPath: search)?.allObjects as? [String]) ?? [] {
                    let path = search + "/" + relative
                    var directory: ObjCBool = false
                    if fm.fileExists(atPath: path, isDirectory: &directory), !directory.boolValue { candidates.append(path) }
                }
            } else {
                candidates = [search]
            }
            let matched = candidates.filter { glob.matchesSelfOrAncestor($0) }
            if !matched.isEmpty, !searchPaths.contains(search) { searchPaths.append(search) }
            found.formUnion(matched)
        }
        found = found.filter { file in !excludes.contains { $0.matchesSelfOrAncestor(file) } }
        guard !found.isEmpty else { return }
        root = Self.commonRoot(searchPaths)
        if searchPaths.count == 1, found == [searchPaths[0]] { root = FilePathText.parent(of: searchPaths[0]) }
        for file in found.sorted() {
            let relative = String(file.dropFirst(root == "/" ? 1 : root.count + 1))
            if !includeHidden, relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
            files.append((file, relative))
        }
    }

    static func normalize(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/") {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." {
                parts.removeLast()
                continue
            }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }

    /// The deepest directory containing every search path.
    static func commonRoot(_ paths: [String]) -> String {
        guard var common = paths.first?.split(separator: "/").map(String.init) else { return "/" }
        for path in paths.dropFirst() {
            let parts = path.split(separator: "/").map(String.init)
            common = Array(zip(common, parts).prefix { $0.0 == $0.1 }.map(\.0))
        }
        return "/" + common.joined(separator: "/")
    }
}
