import Foundation

/// Where a release stands, as one value: each case carries what that stage needs and nothing more. The phase people
/// see (`Progressing`, `Paused`, …) is derived from it; `ReleaseMachine.next` is the only thing that changes it.
public enum ReleaseState: Sendable, Hashable, Codable {
    /// The canary Deployment is created from the new version; traffic stays on the primary until its pods are available.
    case startingCanary(since: Date)
    /// Working through the strategy's steps; `step` indexes them.
    case stepping(step: Int, progress: StepProgress)
    /// Waiting for a person at `step`: a manual pause, or an analysis that could not decide.
    case atGate(step: Int, reason: GateReason)
    /// The primary takes the new version, then traffic and the canary follow.
    case promoting(since: Date, stage: PromotionStage)
    /// Traffic back to the primary, canary removed, revision held, GitOps commit reverted: the pending effects.
    case aborting(reason: String)
    case succeeded
    case aborted(reason: String)
    /// A newer revision replaced it, or git went back before it finished.
    case superseded(reason: String)

    public var isFinal: Bool {
        switch self {
        case .succeeded, .aborted, .superseded: true
        default: false
        }
    }
}

/// How far the step in progress is.
public enum StepProgress: Sendable, Hashable, Codable {
    /// Its effect (the weights of a `setWeight`) is on its way.
    case starting
    /// A timed pause, until then.
    case pausedUntil(Date)
    /// An analysis step's run, with the measurements so far.
    case analysing(AnalysisRun)
}

/// Why a release waits at a gate.
public enum GateReason: Sendable, Hashable, Codable {
    /// A `pause: {}` step: someone promotes or aborts.
    case manualPause
    /// An analysis that was inconclusive (Argo Rollouts pauses then, too), with why.
    case inconclusive(String)
}

/// The parts of a promotion, in order.
public enum PromotionStage: String, Sendable, Hashable, Codable {
    /// The primary Deployment is given the new version.
    case applyingPrimary
    /// Waiting until the primary runs it and is healthy.
    case rollingOut
    /// All traffic to the primary (100/0).
    case shiftingTraffic
    /// The canary Deployment is deleted.
    case removingCanary
}
