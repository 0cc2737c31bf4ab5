import Core
import Crypto
import Foundation

/// Reads branch heads and checks out revisions of GitOps repositories. A local repository's head is read straight
/// from its ref files (no process), which is what lets a sync start within a moment of a push; checkouts are kept
/// per commit, since a commit never changes.
public actor GitRevisions {
    public let cacheRoot: String
    private var checkouts: [String: String] = [:]

    public init(cacheRoot: String) { self.cacheRoot = cacheRoot }

    /// The commit a branch points at.
    public func head(repository: String, branch: String) async throws -> String {
        if let sha = Self.readLocalRef(repository: repository, ref: "refs/heads/" + branch) { return sha }
        let output: String
        do {
            output = try await Git(directory: FileManager.default.currentDirectoryPath).run(
                ["ls-remote", "--heads", repository, "refs/heads/" + branch], timeout: .seconds(60))
        } catch {
            throw SyncError.repository(repository, "cannot read branch \(branch): \(error)")
        }
        guard let sha = output.split(separator: "\t").first.map(String.init), sha.count == 40 else {
            throw SyncError.repository(repository, "branch \(branch) does not exist")
        }
        return sha
    }

    /// The git directory of a local repository (bare, or a working tree's `.git`), nil for URLs.
    public static func gitDirectory(_ repository: String) -> String? {
        guard !repository.contains("://"), !repository.contains("@") else { return nil }
        let manager = FileManager.default
        if manager.fileExists(atPath: repository + "/.git/HEAD") { return repository + "/.git" }
        if manager.fileExists(atPath: repository + "/HEAD") { return repository }
        return nil
    }

    /// A ref's commit from the loose ref file or `packed-refs`; nil when it cannot be read that way.
    static func readLocalRef(repository: String, ref: String) -> String? {
        guard let gitDirectory = gitDirectory(repository) else { return nil }
        if let data = FileManager.default.contents(atPath: gitDirectory + "/" + ref),
            let text = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines), text.count == 40
        {
            return text
        }
        guard let packed = FileManager.default.contents(atPath: gitDirectory + "/packed-refs"),
            let text = String(data: packed, encoding: .utf8)
        else { return nil }
        for line in text.split(separator: "\n") where line.hasSuffix(" " + ref) {
            let sha = String(line.prefix(40))
            if sha.count == 40 { return sha }
        }
        return nil
    }

    /// A directory holding the repository's tree at `revision`, reused while the process lives and across runs.
    public func checkout(repository: String, revision: String) async throws -> String {
        let key = Self.digest(repository) + "/" + revision
        if let directory = checkouts[key] { return directory }
        let directory = cacheRoot + "/checkouts/" + key
        if FileManager.default.fileExists(atPath: directory + "/.git") {
            checkouts[key] = directory
            return directory
        }
        let parent = FilePathText.parent(of: directory)
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        let staging = directory + ".tmp-\(UUID().uuidString.prefix(8))"
        do {
            let local = Self.gitDirectory(repository) != nil
            try await Git(directory: parent).run(
                ["clone", "--quiet", "--no-checkout"] + (local ? ["--shared"] : []) + [repository, staging], timeout: .seconds(300))
            try await Git(directory: staging).run(["-c", "advice.detachedHead=false", "checkout", "--quiet", "--detach", revision])
            try FileManager.default.moveItem(atPath: staging, toPath: directory)
        } catch {
            try? FileManager.default.removeItem(atPath: staging)
            if FileManager.default.fileExists(atPath: directory + "/.git") {
                checkouts[key] = directory
                return directory
            }
            throw SyncError.repository(repository, "cannot check out \(revision.prefix(12)): \(error)")
        }
        checkouts[key] = directory
        return directory
    }

    static func digest(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).prefix(10).map { String(format: "%02x", $0) }.joined()
    }
}
