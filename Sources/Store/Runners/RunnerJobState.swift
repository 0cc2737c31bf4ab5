/// Where a job sent to a runner is. A job is taken by one runner at most, once: it never goes back to the queue, so a
/// runner that vanished can never have its job run a second time beside a late first one.
public enum RunnerJobState: String, Sendable, Codable, Hashable, CaseIterable {
    /// Waiting for a runner whose labels include all of the job's.
    case queued
    /// Taken by a runner, which beats while it runs it.
    case running
    /// The runner reported its result (the job's own conclusion is in the result).
    case finished
    /// The runner stopped beating for longer than the heartbeat timeout.
    case lost
    /// The run no longer wants it (cancelled, or the server running it ended).
    case cancelled

    /// What can happen to a job.
    public enum Event: Sendable, Hashable {
        case claim
        case heartbeat
        case finish
        case heartbeatTimeout
        case cancel
    }

    public var isFinal: Bool { self == .finished || self == .lost || self == .cancelled }

    /// The state after `event`; nil when the event does not apply (a late report of a job already ended, a heartbeat of
    /// a job never taken): the caller refuses it and changes nothing.
    public func after(_ event: Event) -> RunnerJobState? {
        switch (self, event) {
        case (.queued, .claim): .running
        case (.queued, .cancel): .cancelled
        case (.running, .heartbeat): .running
        case (.running, .finish): .finished
        case (.running, .heartbeatTimeout): .lost
        case (.running, .cancel): .cancelled
        default: nil
        }
    }
}
