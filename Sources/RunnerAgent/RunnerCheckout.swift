import Core
import Crypto
import Foundation

/// The runner's copies of the repositories it ran jobs for: one bare mirror per repository (fetched again only when it
/// lacks the commit a job needs), and for each job a working tree of that commit sharing the mirror's objects.
struct RunnerCheckout: Sendable {
    let root: String

    /// A working tree of `sha` of `repository` at `path`, its `origin` the repository itself.
    func checkout(_ repository: String, sha: String, at path: String) async throws {
        let digest = SHA256.hash(data: Data(repository.utf8)).map { String(format: "%02x", $0) }.joined().prefix(16)
        let mirror = "\(root)/mirrors/\(digest).git"
        if !FileManager.default.fileExists(atPath: mirror) {
            try FileManager.default.createDirectory(atPath: root + "/mirrors", withIntermediateDirectories: true)
            let partial = mirror + ".partial"
            try? FileManager.default.removeItem(atPath: partial)
            try await Git(directory: root).run(["clone", "--quiet", "--mirror", repository, partial])
            try FileManager.default.moveItem(atPath: partial, toPath: mirror)
        } else if !(await Git(directory: mirror).succeeds(["cat-file", "-e", "\(sha)^{commit}"])) {
            try await Git(directory: mirror).run(["fetch", "--quiet", "--prune", "origin"])
        }
        try? FileManager.default.removeItem(atPath: path)
        try await Git(directory: root).run(["clone", "--quiet", "--shared", "--no-checkout", mirror, path])
        try await Git(directory: path).run(["remote", "set-url", "origin", repository])
        try await Git(directory: path).run(["checkout", "--quiet", "--detach", sha])
    }
}
