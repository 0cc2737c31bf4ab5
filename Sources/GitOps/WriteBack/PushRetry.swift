import Foundation

/// How long a writer keeps trying when its push is rejected because someone else pushed first: fetch, rebase and
/// push again, backing off with random jitter (so writers on different machines stop colliding in step) until a
/// deadline, rather than for a fixed number of attempts that contention can exhaust.
public struct PushRetry: Sendable, Hashable {
    public var deadline: Duration
    public var firstBackoff: Duration
    public var maximumBackoff: Duration

    public init(deadline: Duration = .seconds(120), firstBackoff: Duration = .milliseconds(20), maximumBackoff: Duration = .seconds(2)) {
        self.deadline = deadline
        self.firstBackoff = firstBackoff
        self.maximumBackoff = maximumBackoff
    }

    /// The pause before attempt `attempt + 1`: uniformly random up to an exponentially growing ceiling.
    func backoff(after attempt: Int) -> Duration {
        let ceiling = min(maximumBackoff, firstBackoff * (1 << min(attempt, 16)))
        let milliseconds = max(1, Int(ceiling.components.seconds * 1000 + ceiling.components.attoseconds / 1_000_000_000_000_000))
        return .milliseconds(Int.random(in: 1...milliseconds))
    }

    /// Whether git's answer to a push means someone else moved the branch first (worth fetching and trying again),
    /// rather than a refusal that trying again cannot change (a hook, permissions, a protected branch).
    static func isRace(_ pushOutput: String) -> Bool {
        ["fetch first", "non-fast-forward", "cannot lock ref", "failed to update ref", "incorrect old value"].contains {
            pushOutput.contains($0)
        }
    }
}
