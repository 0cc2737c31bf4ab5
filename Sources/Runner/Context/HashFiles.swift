import Core
import Crypto
import Foundation

/// GitHub's `hashFiles`: SHA-256 over the concatenated raw SHA-256 digests of every matching file
/// under the workspace, in sorted path order; `''` when nothing matches.
public enum HashFiles {
    public static func hash(patterns: [String], workspace: String) -> String {
        let compiled = patterns.compactMap { try? FilterPattern($0) }
        guard !compiled.isEmpty else { return "" }
        let root = URL(fileURLWithPath: workspace).standardizedFileURL.path
        guard let enumerator = FileManager.default.enumerator(atPath: root) else { return "" }
        var matches: [String] = []
        while let relative = enumerator.nextObject() as? String {
            if relative.hasPrefix(".git/") || relative == ".git" || relative.hasPrefix(".slipway") { continue }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: "\(root)/\(relative)", isDirectory: &isDirectory), !isDirectory.boolValue else {
                continue
            }
            if FilterPattern.matches(compiled, relative) { matches.append(relative) }
        }
        guard !matches.isEmpty else { return "" }
        var outer = SHA256()
        for relative in matches.sorted() {
            guard let data = FileManager.default.contents(atPath: "\(root)/\(relative)") else { continue }
            outer.update(data: Data(SHA256.hash(data: data)))
        }
        return outer.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
