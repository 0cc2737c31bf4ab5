/// When a job runs relative to the jobs before it (GitLab's `when`).
public enum GitLabWhen: String, Sendable, Codable, Hashable, CaseIterable {
    case onSuccess = "on_success"
    case onFailure = "on_failure"
    case always
    case manual
    case delayed
    case never
}

/// `allow_failure`: a boolean, or the exit codes that are allowed to fail.
public enum GitLabAllowFailure: Sendable, Codable, Hashable {
    case allowed(Bool)
    case exitCodes([Int32])

    /// Whether a job that failed with `exitCode` (nil when it did not exit: timeout, cancellation) is allowed to.
    public func allows(exitCode: Int32?) -> Bool {
        switch self {
        case .allowed(let value): value
        case .exitCodes(let codes): exitCode.map(codes.contains) ?? false
        }
    }

    /// What the API shows as `allow_failure`.
    public var isAllowed: Bool {
        switch self {
        case .allowed(let value): value
        case .exitCodes: false
        }
    }
}
