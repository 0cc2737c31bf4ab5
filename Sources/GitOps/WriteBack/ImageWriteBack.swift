import Core
import Crypto
import Foundation
import Manifests

/// Writes image tags into a GitOps repository the way CD pipelines do with `kustomize edit set image` + commit + push,
/// but safely: writers to one repository and branch are serialised, nothing is committed when nothing changed, and a
/// push rejected because someone else pushed first is retried after fetching and rebasing (or re-applying the edit)
/// until `retry`'s deadline.
public struct ImageWriteBack: Sendable {
    public struct Request: Sendable {
        /// A URL or a local path (bare repository or working tree).
        public var repository: String
        public var branch: String
        /// The overlay directory inside the repository (`overlays/qa/my-app`).
        public var path: String
        /// `kustomize edit set image` arguments (`my-app=ghcr.io/acme/my-app:3f2c1ab`).
        public var images: [String]
        /// Named in the commit message; defaults to the directory after `overlays/`.
        public var environment: String?
        /// The run that triggered the change, recorded as a `Slipway-Run:` trailer.
        public var runID: String?
        public var push: Bool
        /// A paragraph for the commit message (why: "promoted from release #12 …").
        public var note: String?
        /// `Key: value` trailers for the commit message.
        public var trailers: [String] = []

        public init(
            repository: String, branch: String, path: String, images: [String], environment: String? = nil,
            runID: String? = nil, push: Bool = true
        ) {
            self.repository = repository
            self.branch = branch
            self.path = path
            self.images = images
            self.environment = environment
            self.runID = runID
            self.push = push
        }

        var resolvedEnvironment: String {
            if let environment, !environment.isEmpty { return environment }
            let parts = path.split(separator: "/").map(String.init)
            if let index = parts.firstIndex(of: "overlays"), index + 1 < parts.count { return parts[index + 1] }
            return parts.last ?? path
        }
    }

    public enum Outcome: Sendable, Equatable {
        case committed(sha: String, attempts: Int, workspace: String)
        case unchanged
    }

    /// Where clones live.
    public var cacheRoot: String
    /// Where the per-branch writer locks live: one directory for the machine, so that writers with different caches
    /// (separate CI runners) are serialised too.
    public var lockDirectory: String
    public var retry: PushRetry

    public init(
        cacheRoot: String = ImageWriteBack.defaultCacheRoot, lockDirectory: String = MachineLockDirectory.path(),
        retry: PushRetry = PushRetry()
    ) {
        self.cacheRoot = cacheRoot
        self.lockDirectory = lockDirectory
        self.retry = retry
    }

    public static var defaultCacheRoot: String { CacheDirectory.path(for: "gitops") }

    public func apply(_ request: Request) async throws -> Outcome {
        for argument in request.images {
            do { _ = try KustomizationFile.parseImageArgument(argument) } catch { throw WriteBackError.edit("\(argument): \(error)") }
        }
        return try await BranchWorkspace.withLock(
            cacheRoot: cacheRoot, lockDirectory: lockDirectory, repository: request.repository, branch: request.branch
        ) { workspace, git in
            try await self.locked(request, workspace: workspace, git: git)
        }
    }

    func locked(_ request: Request, workspace: String, git: Git) async throws -> Outcome {
        var needsEdit = true
        var lastError = ""
        let started = ContinuousClock.now
        var attempt = 0
        while true {
            attempt += 1
            if needsEdit {
                guard try edit(request, workspace: workspace) else {
                    return .unchanged
                }
                try await git.run(["add", "--", request.path])
                try await git.run(["commit", "--quiet", "-m", message(request)], environment: Self.identity)
            }
            let sha = try await git.run(["rev-parse", "HEAD"])
            guard request.push else { return .committed(sha: sha, attempts: attempt, workspace: workspace) }
            do {
                try await git.run(["push", "--quiet", "origin", "HEAD:refs/heads/\(request.branch)"])
                return .committed(sha: sha, attempts: attempt, workspace: workspace)
            } catch let failure as Git.Failure {
                guard PushRetry.isRace(failure.output) else {
                    throw WriteBackError.git("push to \(request.branch) refused: \(failure.output)")
                }
                lastError = failure.output
            }
            // Someone pushed first: take their commits, put ours on top (or redo the edit if that conflicts).
            try await git.run(["fetch", "--quiet", "origin", request.branch])
            if await git.succeeds(["rebase", "--quiet", "FETCH_HEAD"]) {
                needsEdit = false
            } else {
                _ = await git.succeeds(["rebase", "--abort"])
                try await git.run(["reset", "--quiet", "--hard", "FETCH_HEAD"])
                needsEdit = true
            }
            let elapsed = ContinuousClock.now - started
            guard elapsed < retry.deadline else {
                throw WriteBackError.pushRejected(branch: request.branch, attempts: attempt, elapsed: elapsed, lastError: lastError)
            }
            try await Task.sleep(for: retry.backoff(after: attempt))
        }
    }

    /// Applies the image arguments; false when the overlay already has exactly those images.
    func edit(_ request: Request, workspace: String) throws -> Bool {
        let directory = workspace + "/" + request.path
        do {
            var file = try KustomizationFile(directory: directory)
            let before = file.fields["images"]
            try file.setImages(try request.images.map { try Self.resolved($0, in: file, path: request.path) })
            if file.fields["images"] == before { return false }
            try file.write()
            return true
        } catch {
            throw WriteBackError.edit("\(request.path): \(error)")
        }
    }

    /// `registry/name@sha256:…` (a digest a release verified, no `=`) becomes `NAME=registry/name@sha256:…` for the
    /// overlay's entry of that image: the one whose `newName` or `name` is the repository, else whose `name` is its
    /// last path component (`my-app` for `127.0.0.1:5000/my-app`). Arguments with `=` are kept as they are.
    static func resolved(_ argument: String, in file: KustomizationFile, path: String) throws -> String {
        guard !argument.contains("="), let at = argument.firstIndex(of: "@") else { return argument }
        let repository = String(argument[..<at])
        let last = repository.split(separator: "/").last.map(String.init) ?? repository
        let entries = (file.fields["images"]?.array ?? []).compactMap(\.object)
        let match =
            entries.first { $0["newName"]?.string == repository || $0["name"]?.string == repository }
            ?? entries.first { $0["name"]?.string == last }
        guard let name = match?["name"]?.string else {
            throw WriteBackError.edit("\(path): no entry of images: names \(repository) or \(last), so \(argument) has nowhere to go")
        }
        return "\(name)=\(argument)"
    }

    func message(_ request: Request) -> String {
        let changes = request.images.compactMap { try? KustomizationFile.parseImageArgument($0) }.map { image in
            var reference = image.newName.isEmpty ? image.name : image.newName
            if !image.newTag.isEmpty { reference += ":" + image.newTag }
            if !image.digest.isEmpty { reference += "@" + image.digest }
            return (image.name, reference)
        }
        let subject: String
        if changes.count == 1, let only = changes.first {
            subject = "\(request.resolvedEnvironment): set image \(only.0) to \(only.1)"
        } else {
            subject = "\(request.resolvedEnvironment): set \(changes.count) images"
        }
        var body = subject + "\n\n"
        body += changes.map { "- \($0.0) → \($0.1)" }.joined(separator: "\n") + "\n"
        if let note = request.note, !note.isEmpty { body += "\n" + note + "\n" }
        body += "\nOverlay: \(request.path)\n"
        var trailers = request.trailers
        if let run = request.runID, !run.isEmpty { trailers.insert("Slipway-Run: \(run)", at: 0) }
        if !trailers.isEmpty { body += "\n" + trailers.joined(separator: "\n") + "\n" }
        return body
    }

    /// The commit identity when the repository has none configured.
    static let identity = [
        "GIT_AUTHOR_NAME": "Slipway", "GIT_AUTHOR_EMAIL": "slipway@localhost",
        "GIT_COMMITTER_NAME": "Slipway", "GIT_COMMITTER_EMAIL": "slipway@localhost",
    ]

    /// The repository as git is given it: a URL as written, a local path made absolute.
    static func canonicalRepository(_ repository: String) -> String {
        if repository.contains("://") || repository.contains("@") { return repository }
        return URL(fileURLWithPath: repository).standardizedFileURL.path
    }

    static func digest(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).prefix(12).map { String(format: "%02x", $0) }.joined()
    }
}
