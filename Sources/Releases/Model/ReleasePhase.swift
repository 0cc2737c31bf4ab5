/// Where a release stands, as lists show it; derived from its `ReleaseState`. Progressing, Paused, Promoting and
/// Aborting may move on; the rest are final.
public enum ReleasePhase: String, Sendable, Hashable, Codable {
    /// Working through the steps.
    case progressing = "Progressing"
    /// At a pause: timed, at the manual gate, or after an inconclusive analysis.
    case paused = "Paused"
    /// The primary is taking the new version.
    case promoting = "Promoting"
    /// Traffic is going back to the primary; the rollback is under way.
    case aborting = "Aborting"
    case succeeded = "Succeeded"
    /// Traffic went back to the primary, the canary was removed, the GitOps commit reverted.
    case aborted = "Aborted"
    /// A newer revision replaced it before it finished.
    case superseded = "Superseded"

    public var isFinal: Bool { self == .succeeded || self == .aborted || self == .superseded }

    /// The phases of releases a controller still works on.
    public static let active: [ReleasePhase] = [.progressing, .paused, .promoting, .aborting]
}
