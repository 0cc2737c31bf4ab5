import Foundation

/// What the newest comparison of an application with its target found — sync status and health — kept so a page of
/// 200 applications shows them without asking the target 200 times. `at` says how old it is; nil fields never lie
/// about an application that was never compared.
public struct ApplicationStatus: Sendable, Hashable {
    public var at: Date
    public var revision: String
    /// nil when the comparison failed (`problem` says why).
    public var sync: Comparison.Status?
    public var health: Health
    public var problem: String?
    /// Set when something changed since (a sync applied, an object it owns changed): compared again soon.
    public var stale: Bool

    public init(at: Date, revision: String, sync: Comparison.Status?, health: Health, problem: String? = nil, stale: Bool = false) {
        self.at = at
        self.revision = revision
        self.sync = sync
        self.health = health
        self.problem = problem
        self.stale = stale
    }

    /// A comparison that could not be made (the repository or the target did not answer, the tree does not render).
    public init(failure: String, at: Date = Date()) {
        self.init(at: at, revision: "", sync: nil, health: Health(.unknown, failure), problem: failure)
    }

    public init(_ comparison: Comparison, at: Date = Date()) {
        self.init(at: at, revision: comparison.revision, sync: comparison.status, health: comparison.health)
    }

    /// Whether it should be compared again: never compared, marked stale, or older than `age`.
    public static func needsRefresh(_ status: ApplicationStatus?, olderThan age: TimeInterval, now: Date = Date()) -> Bool {
        guard let status else { return true }
        return status.stale || now.timeIntervalSince(status.at) >= age
    }
}
