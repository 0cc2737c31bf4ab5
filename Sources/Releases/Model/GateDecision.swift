import Foundation

/// A person's decision at a release's gate, with who and why; kept in the store until a controller acts on it.
public struct GateDecision: Sendable, Hashable, Codable {
    public enum Action: String, Sendable, Hashable, Codable, CaseIterable {
        /// Let a release waiting at a gate go on.
        case promote
        /// Traffic back to the primary and the release rolled back, from any stage before it ends.
        case abort
        /// An approval, recorded with the release; it moves nothing by itself.
        case approve
    }

    public var action: Action
    public var actor: String
    public var reason: String?
    public var at: Date

    public init(_ action: Action, actor: String, reason: String? = nil, at: Date) {
        self.action = action
        self.actor = actor
        self.reason = reason
        self.at = at
    }

    /// `promoted by alice`, `aborted by bob: error budget`.
    var summary: String {
        let verb =
            switch action {
            case .promote: "promoted"
            case .abort: "aborted"
            case .approve: "approved"
            }
        return "\(verb) by \(actor)" + (reason.map { ": \($0)" } ?? "")
    }
}
