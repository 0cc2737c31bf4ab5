/// Where a job's deployment to a protected environment stands. `waiting` is the only state that changes: a review
/// (pure: `reviewed(by:)`) or the end of the run moves it on, once.
public enum DeploymentState: String, Sendable, Codable, Hashable, CaseIterable {
    /// Waiting for reviewers (and the wait timer).
    case waiting
    case approved
    case rejected
    /// The run ended while waiting (its process died).
    case abandoned
    /// The run was cancelled while waiting.
    case cancelled

    public var isFinal: Bool { self != .waiting }

    /// The state the reviews given so far make: any rejection rejects; `required` distinct approvers approve.
    public static func decided(by reviews: [DeploymentReview], required: Int) -> DeploymentState {
        if reviews.contains(where: { $0.state == DeploymentReview.rejected }) { return .rejected }
        let approvers = Set(reviews.filter { $0.state == DeploymentReview.approved }.map(\.user))
        return approvers.count >= required ? .approved : .waiting
    }

    /// The state after one more review, from this one; a final state does not change.
    public func reviewed(by reviews: [DeploymentReview], required: Int) -> DeploymentState {
        guard self == .waiting else { return self }
        return Self.decided(by: reviews, required: required)
    }
}
