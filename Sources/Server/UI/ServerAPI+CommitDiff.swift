import Core
import Foundation
import GitOps
import Releases
import Synchronization

extension ServerAPI {
    static let diffLineLimit = 400

    /// The GitOps commit a release deploys, as `git show` has it: its files and their changes, from the repository the
    /// timeline's commit entry names (a local one; a remote repository's commit is only named). A file that holds a
    /// Kubernetes Secret before or after the commit is listed without its contents, as Argo CD hides Secrets' data.
    func commitDiff(_ timeline: [TimelineEntry]) async -> String {
        guard let entry = timeline.first(where: { $0.kind == .commit }), let revision = entry.detail["revision"],
            let repository = entry.detail["repository"]
        else { return "" }
        guard let directory = GitRevisions.gitDirectory(repository) else {
            return "<p class=\"muted\">The commit is in <code>\(HTML.escape(repository))</code>, which this server does not keep.</p>"
        }
        // A commit never changes: its rendering is kept, so a live release page refreshing during a canary does not run
        // git again each time.
        let key = "\(directory)\n\(revision)"
        if let kept = Self.renderedCommits.withLock({ $0[key] }) { return kept }
        let rendered = await renderCommit(entry, revision: revision, directory: directory)
        // A commit not found (yet) is looked for again next time.
        guard !rendered.hasPrefix("<p class=\"muted\">The commit") else { return rendered }
        Self.renderedCommits.withLock { kept in
            if kept.count >= 256 { kept.removeAll() }
            kept[key] = rendered
        }
        return rendered
    }

    /// Rendered commit changes by git directory and revision.
    static let renderedCommits = Mutex<[String: String]>([:])

    func renderCommit(_ entry: TimelineEntry, revision: String, directory: String) async -> String {
        let git = Git(directory: directory)
        // A repository that lost the commit (or is gone) leaves the page without a diff: said below.
        guard let names = try? await git.run(["diff-tree", "--no-commit-id", "--name-only", "-r", "--root", revision]) else {
            return "<p class=\"muted\">The commit <code>\(HTML.escape(String(revision.prefix(12))))</code> is not in its repository.</p>"
        }
        var shown: [String] = []
        var hidden: [String] = []
        for file in names.split(separator: "\n").map(String.init) where !file.isEmpty {
            var secret = Self.mayHoldSecret(path: file)
            for version in ["\(revision):\(file)", "\(revision)^:\(file)"] where !secret {
                // A version that does not exist (the file was added or removed) holds nothing.
                if let text = try? await git.run(["show", version]), Self.holdsSecret(text) { secret = true }
            }
            if secret { hidden.append(file) } else { shown.append(file) }
        }
        var patch = ""
        if !shown.isEmpty {
            patch = (try? await git.run(["show", "--no-color", "--format=", "--patch", revision, "--"] + shown)) ?? ""
        }
        var lines = patch.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let cut = lines.count > Self.diffLineLimit
        if cut { lines = Array(lines.prefix(Self.diffLineLimit)) }
        let rendered = lines.map { line in
            let tone =
                line.hasPrefix("+++") || line.hasPrefix("---") || line.hasPrefix("diff ") || line.hasPrefix("index ")
                ? "file"
                : line.hasPrefix("@@") ? "hunk" : line.hasPrefix("+") ? "add" : line.hasPrefix("-") ? "del" : "same"
            return "<span class=\"\(tone)\">\(HTML.escape(line))</span>"
        }
        var out = """
            <p><code>\(HTML.escape(String(revision.prefix(12))))</code> \(HTML.escape(entry.summary.split(separator: " ").dropFirst().joined(separator: " "))) \
            <span class="muted">\(HTML.escape(entry.detail["author"] ?? ""))</span></p>
            """
        if !hidden.isEmpty {
            out +=
                "<p class=\"muted\">\(hidden.map { "<code>\(HTML.escape($0))</code>" }.joined(separator: ", ")): a Secret, its contents not shown.</p>"
        }
        if !rendered.isEmpty {
            out += "<pre class=\"diff\" id=\"commit-diff\">\(rendered.joined())</pre>"
        }
        if cut { out += "<p class=\"muted\">The first \(Self.diffLineLimit) lines of the change.</p>" }
        return out
    }

    /// Whether a manifest file declares a Secret (any document of it) or generates one (kustomize's `secretGenerator`,
    /// whose literals are the secret's values).
    static func holdsSecret(_ text: String) -> Bool {
        text.split(separator: "\n").contains { line in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("secretGenerator:") { return true }
            return trimmed.hasPrefix("kind:")
                && trimmed.dropFirst(5).trimmingCharacters(in: .whitespaces).trimmingCharacters(
                    in: CharacterSet(charactersIn: "\"'")) == "Secret"
        }
    }

    /// Files a secret generator reads from are named so by convention: `.env` files and anything called a secret.
    static func mayHoldSecret(path: String) -> Bool {
        let name = (path.split(separator: "/").last.map(String.init) ?? path).lowercased()
        return name.hasSuffix(".env") || name.hasPrefix(".env") || name.contains("secret")
    }
}
