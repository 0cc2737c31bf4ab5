import Core
import Crypto
import Foundation
import Synchronization

/// Checkouts of remote kustomize bases, kept on disk by commit so a commit is fetched once and builds work offline.
///
/// A reference is resolved with a shallow `git fetch` (what kustomize runs), at most once per `refreshInterval`
/// inside a process; a full commit SHA already on disk is never fetched again. When a fetch fails but an earlier one
/// resolved the same reference, the cached commit is used and a warning says so.
final class RemoteCheckouts: Sendable {
    struct Checkout: Sendable, Hashable {
        /// The directory holding the repository's files (no `.git`).
        var root: String
        var commit: String
    }

    struct Resolution: Sendable {
        var checkout: Checkout
        var warning: String?
    }

    private struct Memo: Sendable {
        var checkout: Checkout
        var resolvedAt: ContinuousClock.Instant
    }

    let directory: String
    let refreshInterval: Duration
    private let memo = Mutex<[String: Memo]>([:])

    init(directory: String, refreshInterval: Duration) {
        self.directory = directory
        self.refreshInterval = refreshInterval
    }

    /// The checkout of `spec`'s repository at its reference.
    func resolve(_ spec: RemoteSpec) async throws(KustomizeError) -> Resolution {
        let reference = spec.ref ?? "HEAD"
        let memoKey = spec.cloneURL + "\n" + reference + (spec.submodules ? "" : "\n-submodules")
        let now = ContinuousClock.now
        if let known = memo.withLock({ $0[memoKey] }), now - known.resolvedAt < refreshInterval {
            return Resolution(checkout: known.checkout, warning: nil)
        }
        let container = directory + "/" + Self.digest(spec.cloneURL)
        let suffix = spec.submodules ? "" : "-nosubmodules"
        let pinned = Self.isCommitID(reference)
        if pinned, Build.isDirectory(container + "/" + reference.lowercased() + suffix) {
            let checkout = Checkout(root: container + "/" + reference.lowercased() + suffix, commit: reference.lowercased())
            memo.withLock { $0[memoKey] = Memo(checkout: checkout, resolvedAt: now) }
            return Resolution(checkout: checkout, warning: nil)
        }
        let referenceFile = container + "/refs/" + Self.digest(reference + suffix)
        do {
            let checkout = try await fetch(spec, reference: reference, into: container, suffix: suffix)
            try? FileManager.default.createDirectory(atPath: container + "/refs", withIntermediateDirectories: true)
            try? Data(checkout.commit.utf8).write(to: URL(fileURLWithPath: referenceFile), options: .atomic)
            memo.withLock { $0[memoKey] = Memo(checkout: checkout, resolvedAt: now) }
            return Resolution(checkout: checkout, warning: nil)
        } catch {
            let reason = spec.scrub(error.description)
            if let data = FileManager.default.contents(atPath: referenceFile),
                let commit = String(data: data, encoding: .utf8), Self.isCommitID(commit),
                Build.isDirectory(container + "/" + commit + suffix)
            {
                let checkout = Checkout(root: container + "/" + commit + suffix, commit: commit)
                memo.withLock { $0[memoKey] = Memo(checkout: checkout, resolvedAt: now) }
                return Resolution(
                    checkout: checkout,
                    warning:
                        "# Warning: could not fetch \(spec.scrub(spec.cloneURL)) \(reference) (\(reason)); using the cached commit "
                        + "\(commit)"
                )
            }
            throw .build(reason)
        }
    }

    private struct FetchError: Error, CustomStringConvertible {
        var description: String
    }

    private func fetch(_ spec: RemoteSpec, reference: String, into container: String, suffix: String)
        async throws(FetchError) -> Checkout
    {
        let files = FileManager.default
        let scratch = container + "/.fetch-" + UUID().uuidString
        do {
            try files.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        } catch {
            throw FetchError(description: "cannot create \(scratch): \(error.localizedDescription)")
        }
        defer { try? files.removeItem(atPath: scratch) }
        let git = Git(directory: scratch)
        do {
            try await git.run(["init", "-q"], timeout: spec.timeout)
            try await git.run(["fetch", "--depth=1", "--quiet", spec.cloneURL, reference], timeout: spec.timeout)
            let commit = try await git.run(["rev-parse", "FETCH_HEAD^{commit}"], timeout: spec.timeout)
            let final = container + "/" + commit + suffix
            if Build.isDirectory(final) { return Checkout(root: final, commit: commit) }
            try await git.run(["checkout", "-q", "FETCH_HEAD"], timeout: spec.timeout)
            if spec.submodules, Build.exists(scratch + "/.gitmodules") {
                try await git.run(["submodule", "update", "--init", "--recursive", "--quiet"], timeout: spec.timeout)
            }
            // The files are all a build reads; FETCH_HEAD and the config name the URL, which may carry credentials.
            try? files.removeItem(atPath: scratch + "/.git")
            if rename(scratch, final) != 0 && !Build.isDirectory(final) {
                throw FetchError(description: "cannot move the checkout to \(final): \(String(cString: strerror(errno)))")
            }
            return Checkout(root: final, commit: commit)
        } catch let failure as Git.Failure {
            throw FetchError(description: failure.description)
        } catch let failure as FetchError {
            throw failure
        } catch {
            throw FetchError(description: "git: \(error)")
        }
    }

    static func isCommitID(_ text: String) -> Bool {
        (text.count == 40 || text.count == 64) && text.allSatisfy(\.isHexDigit)
    }

    static func digest(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).prefix(12).map { String(format: "%02x", $0) }.joined()
    }
}
