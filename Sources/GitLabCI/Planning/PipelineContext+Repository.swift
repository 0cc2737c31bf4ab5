import Core
import Foundation

extension PipelineContext {
    /// The context of a pipeline for `ref` of the repository at `root`, as GitLab would create it for `source`: the
    /// commit and its message, the files it holds (`exists:`), and for a push the files changed since `before`
    /// (default: the commit's parent; none for the first commit, so `changes:` holds as for a new branch).
    /// A directory that is not a git repository yields a context of its files, with no commit. A host that knows the
    /// commit and the kind of ref (the server) passes `sha` and `isTag`.
    public static func fromRepository(
        root: String, source: String, ref requested: String?, before: String?, variables: [GitLabVariable], sha known: String? = nil,
        isTag knownTag: Bool? = nil
    ) async -> PipelineContext {
        let git = Git(directory: root)
        let isRepository = await git.succeeds(["rev-parse", "--git-dir"])
        var ref = requested ?? "main"
        var isTag = knownTag ?? false
        var sha = known ?? ""
        if isRepository, known == nil {
            if requested == nil, let current = await git.currentRef() {
                if current.hasPrefix("refs/heads/") {
                    ref = String(current.dropFirst("refs/heads/".count))
                } else if current.hasPrefix("refs/tags/") {
                    ref = String(current.dropFirst("refs/tags/".count))
                    isTag = true
                }
            } else if let requested {
                let bare = requested.hasPrefix("refs/heads/") ? String(requested.dropFirst(11)) : requested
                if requested.hasPrefix("refs/tags/") {
                    ref = String(requested.dropFirst(10))
                    isTag = true
                } else {
                    ref = bare
                    let tagExists = await git.succeeds(["rev-parse", "-q", "--verify", "refs/tags/\(bare)"])
                    let branchExists = await git.succeeds(["rev-parse", "-q", "--verify", "refs/heads/\(bare)"])
                    isTag = tagExists && !branchExists
                }
            }
            let target = requested == nil ? "HEAD" : (isTag ? "refs/tags/\(ref)" : ref)
            if let resolved = try? await git.run(["rev-parse", "\(target)^{commit}"]) {
                sha = resolved
            } else {
                sha = (try? await git.run(["rev-parse", "HEAD"])) ?? ""
            }
        }
        var context = PipelineContext(source: source, ref: ref, isTag: isTag, sha: sha)
        context.pipelineVariables = variables
        context.projectPath = await projectPath(git: git, root: root, isRepository: isRepository)
        context.projectURL = "\(context.serverURL)/\(context.projectPath)"
        if isRepository, !sha.isEmpty {
            context.commitMessage = (try? await git.run(["show", "-s", "--format=%B", sha])) ?? ""
            context.commitAuthor = (try? await git.run(["show", "-s", "--format=%an <%ae>", sha])) ?? ""
            context.commitTimestamp = (try? await git.run(["show", "-s", "--format=%cI", sha])) ?? ""
            context.userLogin = (try? await git.run(["config", "user.name"])).flatMap { $0.isEmpty ? nil : $0 } ?? "slipway"
            context.defaultBranch = await defaultBranch(git: git)
            let files = (try? await git.run(["ls-tree", "-r", "--name-only", sha])) ?? ""
            context.repositoryFiles = files.split(separator: "\n").map(String.init)
            if source == "push" || source == "merge_request_event" {
                var base = before
                if base == nil { base = try? await git.run(["rev-parse", "-q", "--verify", "\(sha)^"]) }
                if let base, !base.isEmpty, !base.allSatisfy({ $0 == "0" }) {
                    context.beforeSHA = base
                    let changed = (try? await git.run(["diff", "--name-only", base, sha])) ?? ""
                    context.changedFiles = changed.split(separator: "\n").map(String.init)
                }
            }
        } else {
            context.repositoryFiles = GitLabConfigLoader.files(under: root)
        }
        return context
    }

    static func defaultBranch(git: Git) async -> String {
        if let head = try? await git.run(["symbolic-ref", "-q", "refs/remotes/origin/HEAD"]), !head.isEmpty {
            return String(head.split(separator: "/").last ?? "main")
        }
        for candidate in ["main", "master"] where await git.succeeds(["rev-parse", "-q", "--verify", "refs/heads/\(candidate)"]) {
            return candidate
        }
        return (try? await git.run(["config", "init.defaultBranch"])).flatMap { $0.isEmpty ? nil : $0 } ?? "main"
    }

    /// `namespace/name` from the `origin` remote, else `local/<directory name>`.
    static func projectPath(git: Git, root: String, isRepository: Bool) async -> String {
        if isRepository, let url = try? await git.run(["remote", "get-url", "origin"]), !url.isEmpty {
            var path = url
            if path.hasSuffix(".git") { path.removeLast(4) }
            if let range = path.range(of: "://") {
                path = String(path[range.upperBound...].drop { $0 != "/" }.dropFirst())
            } else if let colon = path.lastIndex(of: ":") {
                path = String(path[path.index(after: colon)...])
            }
            let parts = path.split(separator: "/").suffix(2)
            if parts.count == 2 { return parts.joined(separator: "/") }
        }
        let name = URL(fileURLWithPath: root).standardizedFileURL.lastPathComponent
        return "local/\(name.isEmpty ? "project" : name)"
    }
}
