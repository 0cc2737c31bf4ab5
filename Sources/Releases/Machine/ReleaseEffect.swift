/// What a transition asks the world to do. Durable effects change the target or git: the machine queues them in
/// `Release.pending`, the controller carries them out in order and reports each completion (a `completed` event)
/// before it starts the next, so after a crash exactly the unconfirmed ones are done again — each is safe to
/// repeat. The others are done at once and never queued: reads whose answers come back as `observed` events, and
/// the timeline entries, stored with the state they belong to.
public enum ReleaseEffect: Sendable, Hashable, Codable {
    // Durable.
    /// The route's weights: the canary gets this share, the primary the rest.
    case setWeights(canary: Int)
    /// `<deployment>-canary` from the new version, with the canary subset's labels.
    case createCanary
    case removeCanary
    /// The primary Deployment with the new version (promotion) or its previous one (an abort during promotion).
    case applyPrimary(PrimaryVersion)
    /// Auto-sync must not deploy the release's revision again.
    case holdRevision
    /// `git revert` of the release's GitOps commit, pushed once.
    case revertCommit

    // Immediate.
    /// A baseline of the mesh counters, for window-based measurements of an analysis that starts now.
    case startMeasuring
    case checkCanary
    case checkPrimary
    /// Measure these metrics of the step's or the background analysis.
    case measure(AnalysisSlot, metrics: [String])
    case record(TimelineEntry)

    public var isDurable: Bool {
        switch self {
        case .setWeights, .createCanary, .removeCanary, .applyPrimary, .holdRevision, .revertCommit: true
        case .startMeasuring, .checkCanary, .checkPrimary, .measure, .record: false
        }
    }

    /// What doing it means, for messages (`moving traffic to 100/0`).
    public var description: String {
        switch self {
        case .setWeights(let weight): "set the weights to \(100 - weight)/\(weight) (primary/canary)"
        case .createCanary: "create the canary"
        case .removeCanary: "remove the canary"
        case .applyPrimary(.new): "give the primary the new version"
        case .applyPrimary(.previous): "put the primary back on its previous version"
        case .holdRevision: "hold the revision from auto-sync"
        case .revertCommit: "revert the GitOps commit"
        case .startMeasuring: "take a baseline of the metrics"
        case .checkCanary: "read the canary's status"
        case .checkPrimary: "read the primary's status"
        case .measure(_, let metrics): "measure \(metrics.joined(separator: ", "))"
        case .record: "record the timeline"
        }
    }
}

public enum PrimaryVersion: String, Sendable, Hashable, Codable {
    case new, previous
}

/// Which analysis a measurement belongs to.
public enum AnalysisSlot: String, Sendable, Hashable, Codable {
    /// The run of the current `analysis` step.
    case step
    /// The analysis that runs alongside the steps until the release ends.
    case background
}
