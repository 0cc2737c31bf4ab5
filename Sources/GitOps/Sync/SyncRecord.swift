import Foundation
import TargetKit

/// One sync, as the history keeps it: which revision, why, what changed, how long, and how it ended.
public struct SyncRecord: Sendable, Hashable, Codable {
    public enum Trigger: String, Sendable, Hashable, Codable {
        /// A new commit on the branch (noticed by watching the repository, a webhook, or the 60 s poll).
        case commit
        /// Live state drifted from git and self-heal put it back.
        case selfHeal = "self-heal"
        /// Someone asked (`slipway gitops sync`).
        case manual
    }

    public enum Phase: String, Sendable, Hashable, Codable {
        case succeeded = "Succeeded"
        case failed = "Failed"
    }

    public struct Change: Sendable, Hashable, Codable {
        public enum Action: String, Sendable, Hashable, Codable {
            case created, configured, unchanged, pruned, failed
        }

        public var key: ObjectKey
        public var action: Action
        public var message: String

        public init(key: ObjectKey, action: Action, message: String = "") {
            self.key = key
            self.action = action
            self.message = message
        }
    }

    public var application: String
    public var environment: String
    public var revision: String
    public var trigger: Trigger
    public var startedAt: Date
    public var duration: TimeInterval
    public var phase: Phase
    public var message: String
    public var changes: [Change]
    public var health: Health

    public init(
        application: String, environment: String, revision: String, trigger: Trigger, startedAt: Date, duration: TimeInterval,
        phase: Phase, message: String, changes: [Change], health: Health
    ) {
        self.application = application
        self.environment = environment
        self.revision = revision
        self.trigger = trigger
        self.startedAt = startedAt
        self.duration = duration
        self.phase = phase
        self.message = message
        self.changes = changes
        self.health = health
    }

    /// Objects the sync created, changed or pruned.
    public var changed: [Change] { changes.filter { $0.action != .unchanged } }
}
