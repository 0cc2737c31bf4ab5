import Foundation
import OCI

/// What docker/metadata-action reads from the workflow run: the event, ref and commit, the repository, and the dates.
public struct MetadataContext: Sendable {
    public var eventName: String
    /// `refs/heads/main`, `refs/tags/v1.2.3`, `refs/pull/2/merge`.
    public var ref: String
    public var sha: String
    /// The repository's default branch (`github.event.repository.default_branch`), for `{{is_default_branch}}` and `type=edge`.
    public var defaultBranch: String?
    /// The push payload's `base_ref`, or a pull request's base branch.
    public var baseRef: String?
    public var commitDate: Date?
    public var now: Date
    /// `DOCKER_METADATA_SHORT_SHA_LENGTH` (default 7).
    public var shortSHALength: Int
    /// `owner/name`.
    public var repository: String
    public var serverURL: String
    public var repositoryDescription: String?
    public var license: String?

    public init(
        eventName: String, ref: String, sha: String, defaultBranch: String? = nil, baseRef: String? = nil, commitDate: Date? = nil,
        now: Date = Date(), shortSHALength: Int = 7, repository: String = "", serverURL: String = "https://github.com",
        repositoryDescription: String? = nil, license: String? = nil
    ) {
        self.eventName = eventName
        self.ref = ref
        self.sha = sha
        self.defaultBranch = defaultBranch
        self.baseRef = baseRef
        self.commitDate = commitDate
        self.now = now
        self.shortSHALength = shortSHALength
        self.repository = repository
        self.serverURL = serverURL
        self.repositoryDescription = repositoryDescription
        self.license = license
    }

    var branch: String? { ref.hasPrefix("refs/heads/") ? String(ref.dropFirst("refs/heads/".count)) : nil }
    var tag: String? { ref.hasPrefix("refs/tags/") ? String(ref.dropFirst("refs/tags/".count)) : nil }
    var pullRequest: String? {
        guard ref.hasPrefix("refs/pull/") else { return nil }
        var rest = String(ref.dropFirst("refs/pull/".count))
        if rest.hasSuffix("/merge") { rest.removeLast("/merge".count) }
        return rest
    }

    var shortSHA: String { shortSHALength >= sha.count ? sha : String(sha.prefix(shortSHALength)) }

    var isDefaultBranch: Bool {
        let branch = ref.hasPrefix("refs/heads/") ? String(ref.dropFirst("refs/heads/".count)) : ref
        if branch.isEmpty { return false }
        if let defaultBranch, defaultBranch == branch { return true }
        // These events always run for the last commit of the default branch.
        return ["create", "discussion", "issues", "schedule"].contains { eventName.contains($0) }
    }
}
