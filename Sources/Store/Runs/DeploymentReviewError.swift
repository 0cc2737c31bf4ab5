/// Why a review was refused, in words for the reviewer.
public enum DeploymentReviewError: Error, Sendable, Hashable, CustomStringConvertible {
    case noRun(Int64)
    case notWaiting(run: Int64, environment: String, waiting: [String])
    case notReviewer(user: String, environment: String, reviewers: [String])
    case selfReview(user: String, run: Int64, environment: String)
    case alreadyReviewed(user: String, environment: String, run: Int64, state: String)

    public var description: String {
        switch self {
        case .noRun(let id): "there is no run \(id)"
        case .notWaiting(let run, let environment, let waiting):
            "run \(run) is not waiting for a review of environment '\(environment)'"
                + (waiting.isEmpty ? "" : " (it waits for: \(waiting.joined(separator: ", ")))")
        case .notReviewer(let user, let environment, let reviewers):
            "\(user) is not a reviewer of environment '\(environment)' (its reviewers: \(reviewers.joined(separator: ", ")))"
        case .selfReview(let user, let run, let environment):
            "\(user) triggered run \(run), and environment '\(environment)' prevents self-review: another reviewer must decide"
        case .alreadyReviewed(let user, let environment, let run, let state):
            "\(user) has already \(state) environment '\(environment)' for run \(run)"
        }
    }
}
