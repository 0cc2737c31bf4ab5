import Foundation

/// One entry of a release's timeline: what happened, when, and its particulars.
public struct TimelineEntry: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        case ciRun = "ci-run"
        case image
        case commit = "gitops-commit"
        case sync
        case step
        case weight
        case measurement
        case analysis
        case gate
        case promotion
        case rollback
        case revert
        case note
    }

    public var at: Date
    public var kind: Kind
    public var summary: String
    /// Machine-readable particulars (query, value, verdict, weights, actor, ...).
    public var detail: [String: String]

    public init(at: Date, kind: Kind, summary: String, detail: [String: String] = [:]) {
        self.at = at
        self.kind = kind
        self.summary = summary
        self.detail = detail
    }
}
