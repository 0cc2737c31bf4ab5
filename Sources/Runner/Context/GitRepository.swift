import Core
import Foundation

/// Facts about the local git repository used to build the `github` context.
public struct GitRepository: Sendable {
    public var root: String
    public var headSHA: String?
    public var headRef: String?
    public var originURL: String?
    public var userName: String?

    /// Reads HEAD, the current branch, `origin` and `user.name` with `git`; missing facts stay nil.
    public static func inspect(_ root: String) async -> GitRepository {
        func git(_ args: [String]) async -> String? {
            guard let result = try? await CapturedCommand.run("git", ["-C", root] + args), result.succeeded else {
                return nil
            }
            let text = result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
            return text.isEmpty ? nil : text
        }
        // Side by side: each is a process of its own, and a run waits for all of them before its first job.
        async let headSHA = git(["rev-parse", "HEAD"])
        async let headRef = git(["symbolic-ref", "-q", "HEAD"])
        async let originURL = git(["config", "--get", "remote.origin.url"])
        async let userName = git(["config", "user.name"])
        return GitRepository(
            root: root, headSHA: await headSHA, headRef: await headRef, originURL: await originURL, userName: await userName)
    }

    /// `owner/name` from the origin URL (https, ssh or a local path), or the directory name.
    public var repositorySlug: String {
        if let url = originURL {
            var path = url
            if path.hasSuffix(".git") { path.removeLast(4) }
            if let colon = path.lastIndex(of: ":"), !path.contains("://") { path = String(path[path.index(after: colon)...]) }
            let parts = path.split(separator: "/")
            if parts.count >= 2 { return "\(parts[parts.count - 2])/\(parts[parts.count - 1])" }
        }
        let name = URL(fileURLWithPath: root).lastPathComponent
        return "local/\(name)"
    }
}
