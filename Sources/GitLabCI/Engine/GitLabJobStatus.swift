/// A job's or pipeline's status, in GitLab's words.
public enum GitLabJobStatus: String, Sendable, Codable, Hashable, CaseIterable {
    case created, pending, running, success, failed, canceled, skipped, manual, scheduled

    /// Finished: nothing more happens to the job unless someone retries or plays it.
    public var isCompleted: Bool { [.success, .failed, .canceled, .skipped].contains(self) }
}

/// GitLab's composite status (`Gitlab::Ci::Status::Composite`): what a set of jobs amounts to, for the jobs after
/// them and for the pipeline. A failure that was allowed counts as success with warnings; an allowed-to-fail manual
/// or canceled job is ignored. In `dag` mode (a job's `needs`) any skipped or ignored job makes the result skipped.
public enum CompositeStatus {
    public struct Member: Sendable, Hashable {
        public var status: GitLabJobStatus
        public var allowFailure: Bool
        public init(_ status: GitLabJobStatus, allowFailure: Bool = false) {
            self.status = status
            self.allowFailure = allowFailure
        }
    }

    enum Key: Hashable {
        case status(GitLabJobStatus)
        case successWithWarnings
        case ignored
    }

    /// nil for no jobs at all.
    public static func of(_ members: [Member], dag: Bool = false) -> GitLabJobStatus? {
        guard !members.isEmpty else { return nil }
        let keys = Set(
            members.map { member -> Key in
                guard member.allowFailure else { return .status(member.status) }
                switch member.status {
                case .failed: return .successWithWarnings
                case .canceled, .manual: return .ignored
                default: return .status(member.status)
                }
            })
        func only(_ allowed: [Key]) -> Bool { keys.isSubset(of: Set(allowed)) }
        func any(_ status: GitLabJobStatus) -> Bool { keys.contains(.status(status)) }
        if dag, any(.skipped) || keys.contains(.ignored) { return .skipped }
        if only([.status(.skipped), .ignored]) { return .skipped }
        if only([.status(.success), .status(.skipped), .successWithWarnings, .ignored]) { return .success }
        if only([.status(.created), .successWithWarnings, .ignored]) { return .created }
        if only([.status(.canceled), .status(.success), .status(.skipped), .successWithWarnings, .ignored]) { return .canceled }
        if only([.status(.pending), .status(.created), .status(.skipped), .successWithWarnings, .ignored]) { return .pending }
        if any(.running) || any(.pending) { return .running }
        if any(.manual) { return .manual }
        if any(.scheduled) { return .scheduled }
        if any(.created) { return .running }
        return .failed
    }
}
