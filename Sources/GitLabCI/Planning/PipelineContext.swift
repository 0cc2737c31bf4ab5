import Foundation

/// Where a pipeline starts: what GitLab knows when it creates one.
public struct PipelineContext: Sendable, Codable, Hashable {
    /// `CI_PIPELINE_SOURCE`: `push`, `trigger`, `web`, `schedule`, `api`, `merge_request_event`, `pipeline`, …
    public var source: String
    /// The branch or tag name.
    public var ref: String
    public var isTag: Bool
    public var sha: String
    /// The commit before the push; nil or zeros for a new branch (then `changes:` always holds).
    public var beforeSHA: String?
    public var defaultBranch: String
    public var projectID: Int64
    /// `namespace/name`.
    public var projectPath: String
    public var projectURL: String
    public var serverURL: String
    public var pipelineID: Int64
    public var pipelineIID: Int64
    /// Trigger, API, web form or `--variable` variables: above every other kind.
    public var pipelineVariables: [GitLabVariable]
    /// The project's CI/CD variables (the server's, masked in logs).
    public var projectVariables: [GitLabVariable]
    public var commitMessage: String
    public var commitAuthor: String
    public var commitTimestamp: String
    public var userLogin: String
    /// Files the push changed, or nil when GitLab would treat `changes:` as always true.
    public var changedFiles: [String]?
    /// Files in the repository at the commit (for `exists:`).
    public var repositoryFiles: [String]

    public init(source: String, ref: String, isTag: Bool, sha: String) {
        self.source = source
        self.ref = ref
        self.isTag = isTag
        self.sha = sha
        defaultBranch = "main"
        projectID = 1
        projectPath = "local/project"
        projectURL = "http://127.0.0.1/local/project"
        serverURL = "http://127.0.0.1"
        // 0: the recorder's id, once the pipeline is recorded.
        pipelineID = 0
        pipelineIID = 1
        pipelineVariables = []
        projectVariables = []
        commitMessage = ""
        commitAuthor = ""
        commitTimestamp = ""
        userLogin = "slipway"
        repositoryFiles = []
    }

    public var projectName: String { String(projectPath.split(separator: "/").last ?? Substring(projectPath)) }
    public var projectNamespace: String {
        let parts = projectPath.split(separator: "/")
        return parts.dropLast().joined(separator: "/")
    }

    /// GitLab's slug: lower case, anything but a–z and 0–9 as `-`, at most 63 characters, no `-` at either end.
    public static func slug(_ text: String) -> String {
        let mapped = text.lowercased().map { ($0.isASCII && ($0.isLetter || $0.isNumber)) ? $0 : "-" }
        var slug = String(String(mapped).prefix(63))
        while slug.hasPrefix("-") { slug.removeFirst() }
        while slug.hasSuffix("-") { slug.removeLast() }
        return slug
    }

    /// The pipeline's predefined variables (those rules can read).
    public var predefinedVariables: [GitLabVariable] {
        var values: [(String, String)] = [
            ("CI", "true"), ("GITLAB_CI", "true"), ("CI_SERVER", "yes"), ("CI_SERVER_URL", serverURL),
            ("CI_SERVER_HOST", Self.host(serverURL)), ("CI_SERVER_NAME", "Slipway"),
            ("CI_PIPELINE_SOURCE", source), ("CI_PIPELINE_ID", String(pipelineID)), ("CI_PIPELINE_IID", String(pipelineIID)),
            ("CI_PIPELINE_URL", "\(projectURL)/-/pipelines/\(pipelineID)"),
            ("CI_COMMIT_SHA", sha), ("CI_COMMIT_SHORT_SHA", String(sha.prefix(8))),
            ("CI_COMMIT_BEFORE_SHA", beforeSHA ?? String(repeating: "0", count: 40)),
            ("CI_COMMIT_REF_NAME", ref), ("CI_COMMIT_REF_SLUG", Self.slug(ref)),
            ("CI_COMMIT_MESSAGE", commitMessage),
            ("CI_COMMIT_TITLE", String(commitMessage.split(separator: "\n", omittingEmptySubsequences: false).first ?? "")),
            ("CI_COMMIT_DESCRIPTION", commitMessage.split(separator: "\n", maxSplits: 1).dropFirst().first.map(String.init) ?? ""),
            ("CI_COMMIT_AUTHOR", commitAuthor), ("CI_COMMIT_TIMESTAMP", commitTimestamp),
            ("CI_DEFAULT_BRANCH", defaultBranch),
            ("CI_PROJECT_ID", String(projectID)), ("CI_PROJECT_NAME", projectName), ("CI_PROJECT_TITLE", projectName),
            ("CI_PROJECT_PATH", projectPath), ("CI_PROJECT_PATH_SLUG", Self.slug(projectPath)),
            ("CI_PROJECT_NAMESPACE", projectNamespace),
            ("CI_PROJECT_ROOT_NAMESPACE", String(projectNamespace.split(separator: "/").first ?? "")),
            ("CI_PROJECT_URL", projectURL), ("CI_PROJECT_VISIBILITY", "private"),
            ("CI_CONFIG_PATH", ".gitlab-ci.yml"),
            ("GITLAB_USER_LOGIN", userLogin), ("GITLAB_USER_NAME", userLogin), ("GITLAB_USER_ID", "1"),
        ]
        if isTag {
            values.append(("CI_COMMIT_TAG", ref))
        } else {
            values.append(("CI_COMMIT_BRANCH", ref))
        }
        if source == "trigger" || source == "pipeline" { values.append(("CI_PIPELINE_TRIGGERED", "true")) }
        return values.map { GitLabVariable(name: $0.0, value: $0.1, expand: false) }
    }

    static func host(_ url: String) -> String {
        var rest = Substring(url)
        if let range = rest.range(of: "://") { rest = rest[range.upperBound...] }
        return String(rest.prefix { $0 != "/" && $0 != ":" })
    }
}
