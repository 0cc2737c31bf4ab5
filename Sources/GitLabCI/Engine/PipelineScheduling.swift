/// What happens next to a job waiting in `created`, given its prerequisites: GitLab's `ProcessBuildService`.
public enum PipelineScheduling {
    public enum Decision: Sendable, Hashable {
        /// Start it now (`pending`).
        case start
        /// It waits for someone to play it.
        case manual
        /// It starts after its `start_in`.
        case schedule
        /// It will not run.
        case skip
        /// Its prerequisites are not finished yet.
        case wait
    }

    /// The decision for a job with `when`, whose prerequisites (its needs, or every job of earlier stages) amount to
    /// `prerequisites` (nil when it has none, which counts as success).
    public static func decide(when: GitLabWhen, usesNeeds: Bool, prerequisites: GitLabJobStatus?) -> Decision {
        let current = prerequisites ?? .success
        let valid: [GitLabJobStatus]
        switch when {
        case .onSuccess, .manual, .delayed: valid = usesNeeds ? [.success] : [.success, .skipped]
        case .onFailure: valid = [.failed]
        case .always: valid = [.success, .failed, .skipped]
        case .never: return .skip
        }
        if valid.contains(current) {
            switch when {
            case .manual: return .manual
            case .delayed: return .schedule
            default: return .start
            }
        }
        return current.isCompleted ? .skip : .wait
    }
}
