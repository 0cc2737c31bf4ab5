import Core
import Foundation
import Store

/// A bare mirror of each project's repository under the data directory, fetched before each event, and a checkout of
/// the event's commit for its runs. One git operation at a time per mirror.
struct ProjectMirrors: Sendable {
    let root: String
    let locks = KeyedLock<Int64>()

    init(root: String) { self.root = root }

    func mirrorPath(_ projectId: Int64) -> String { "\(root)/\(projectId).git" }

    /// Fetches the project's repository into its mirror (cloning it the first time).
    func refresh(_ project: ProjectRow) async throws {
        guard let id = project.id else { return }
        let mirror = mirrorPath(id)
        try await locks.withLock(id) {
            do {
                if FileManager.default.fileExists(atPath: mirror + "/HEAD") {
                    // No FETCH_HEAD, no automatic gc or maintenance: an event's first step waits for this fetch.
                    try await Git(directory: mirror).run(
                        [
                            "-c", "fetch.writeCommitGraph=false", "fetch", "--quiet", "--prune", "--force", "--no-write-fetch-head",
                            "--no-auto-gc", "--no-auto-maintenance", "origin", "+refs/*:refs/*",
                        ], timeout: .seconds(600))
                } else {
                    try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
                    let partial = "\(mirror).partial-\(UUID().uuidString.prefix(8))"
                    try await Git(directory: root).run(
                        ["clone", "--quiet", "--mirror", project.repository, partial], timeout: .seconds(600))
                    try FileManager.default.moveItem(atPath: partial, toPath: mirror)
                }
            } catch let failure as Git.Failure {
                throw ServerError.git("cannot fetch \(project.repository): \(failure.output)")
            }
        }
    }

    /// The commit a branch or tag name (or a full ref) points at in the freshly fetched mirror, and whether it is a tag;
    /// nil when the repository has no such ref.
    func resolve(_ project: ProjectRow, ref: String) async throws -> (sha: String, isTag: Bool)? {
        guard let id = project.id else { return nil }
        try await refresh(project)
        let mirror = Git(directory: mirrorPath(id))
        let candidates = ref.hasPrefix("refs/") ? [ref] : ["refs/heads/\(ref)", "refs/tags/\(ref)"]
        for candidate in candidates {
            if let sha = try? await mirror.run(["rev-parse", "--verify", "--quiet", "\(candidate)^{commit}"]), !sha.isEmpty {
                return (sha, candidate.hasPrefix("refs/tags/"))
            }
        }
        return nil
    }

    /// A commit as a list of changes shows it.
    struct Commit: Sendable, Hashable {
        var sha: String
        var author: String
        var time: Double
        var subject: String
    }

    /// The commits `to` has that `from` has not (all of `to`'s history when `from` is nil), newest first, at most
    /// `limit`, as the mirror was last fetched; nil when the mirror lacks one of them.
    func commits(_ project: ProjectRow, from: String?, to: String, limit: Int = 20) async -> [Commit]? {
        guard let id = project.id else { return nil }
        let range = from.map { [to, "^\($0)"] } ?? [to]
        // A mirror without the commits (not fetched yet, or gone) answers nil: the page says so.
        let text: String? = try? await locks.withLock(id) {
            try await Git(directory: mirrorPath(id)).run(
                ["log", "--no-color", "--format=%H%x1f%an%x1f%at%x1f%s", "-n", String(limit)] + range + ["--"])
        }
        guard let text else { return nil }
        return text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: "\u{1f}", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 4 else { return nil }
            return Commit(sha: fields[0], author: fields[1], time: Double(fields[2]) ?? 0, subject: fields[3])
        }
    }

    /// The mirror's branch and tag heads (ref → commit; annotated tags peeled to their commit).
    func heads(_ project: ProjectRow) async throws -> [String: String] {
        guard let id = project.id else { return [:] }
        let text = try await locks.withLock(id) {
            try await Git(directory: mirrorPath(id)).run(
                ["for-each-ref", "--format=%(refname) %(objectname) %(*objectname)", "refs/heads", "refs/tags"])
        }
        var heads: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 2 else { continue }
            heads[String(fields[0])] = String(fields.count > 2 ? fields[2] : fields[1])
        }
        return heads
    }

    /// A file's text at a ref of the mirror (as last fetched); nil when the ref or the file does not exist.
    func file(_ project: ProjectRow, ref: String, path: String) async throws -> String? {
        guard let id = project.id else { return nil }
        return try await locks.withLock(id) {
            let mirror = Git(directory: mirrorPath(id))
            guard FileManager.default.fileExists(atPath: mirrorPath(id) + "/HEAD"),
                (try? await mirror.run(["rev-parse", "--verify", "--quiet", "\(ref):\(path)"])) != nil
            else { return nil }
            // Not trimmed: leading blank lines count for the line numbers of the file's problems.
            let shown = try await CapturedCommand.run(
                "git", ["-C", mirrorPath(id), "show", "\(ref):\(path)"], environment: ["LC_ALL": "C"])
            guard shown.succeeded else { throw ServerError.git("cannot read \(path) at \(ref): \(shown.standardError)") }
            return shown.standardOutput
        }
    }

    /// A working tree of `sha` at `path`, borrowing the mirror's objects (`objects/info/alternates`, as
    /// `git clone --shared` does), with the mirror's branches as `origin/…` and its tags; its `origin` is the project's
    /// repository. The repository is written as files and only the checkout runs git: an event's first step waits for
    /// this.
    func checkout(_ project: ProjectRow, sha: String, at path: String) async throws {
        guard let id = project.id else { return }
        let mirror = mirrorPath(id)
        try? FileManager.default.removeItem(atPath: path)
        do {
            let refs = try await locks.withLock(id) { Self.refs(ofMirror: mirror) }
            let gitDirectory = path + "/.git"
            for directory in ["objects/info", "refs/heads", "refs/tags", "refs/remotes/origin"] {
                try FileManager.default.createDirectory(atPath: gitDirectory + "/" + directory, withIntermediateDirectories: true)
            }
            let quoted =
                "\"" + project.repository.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
            let files = [
                "HEAD": "ref: refs/heads/\(project.defaultBranch)\n",
                "config": "[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = false\n\tlogallrefupdates = true\n"
                    + "[remote \"origin\"]\n\turl = \(quoted)\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n",
                "objects/info/alternates": mirror + "/objects\n",
                "packed-refs": refs.map { "\($0.sha) \($0.name)\n" }.joined(),
            ]
            for (name, text) in files { try Data(text.utf8).write(to: URL(fileURLWithPath: gitDirectory + "/" + name)) }
            try await Git(directory: path).run(["checkout", "--quiet", "--detach", sha])
        } catch let failure as Git.Failure {
            throw ServerError.git("cannot check out \(sha) of \(project.repository): \(failure.output)")
        }
    }

    /// The mirror's branches as `refs/remotes/origin/NAME` and its tags, read from its files (loose refs over packed ones).
    static func refs(ofMirror mirror: String) -> [(name: String, sha: String)] {
        var refs: [String: String] = [:]
        if let packed = try? String(contentsOfFile: mirror + "/packed-refs", encoding: .utf8) {
            for line in packed.split(separator: "\n") where !line.hasPrefix("#") && !line.hasPrefix("^") {
                let fields = line.split(separator: " ", maxSplits: 1)
                if fields.count == 2 { refs[String(fields[1])] = String(fields[0]) }
            }
        }
        for kind in ["heads", "tags"] {
            let root = mirror + "/refs/" + kind
            guard let files = FileManager.default.enumerator(atPath: root) else { continue }
            for case let file as String in files {
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: root + "/" + file, isDirectory: &isDirectory), !isDirectory.boolValue,
                    let sha = try? String(contentsOfFile: root + "/" + file, encoding: .utf8).trimmingCharacters(
                        in: .whitespacesAndNewlines),
                    sha.count >= 40
                else { continue }
                refs["refs/\(kind)/\(file)"] = sha
            }
        }
        return refs.compactMap { name, sha in
            if name.hasPrefix("refs/heads/") { return ("refs/remotes/origin/" + name.dropFirst("refs/heads/".count), sha) }
            if name.hasPrefix("refs/tags/") { return (name, sha) }
            return nil
        }.sorted { $0.name < $1.name }
    }
}
