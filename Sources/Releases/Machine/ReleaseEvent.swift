import GitOps

/// What moves a release: time, the completion of an effect, what a read found, a person's decision, a newer
/// revision, a controller taking over.
public enum ReleaseEvent: Sendable, Hashable {
    /// Time passed (the transition's `now`).
    case tick
    /// A durable effect was carried out.
    case completed(ReleaseEffect, EffectOutcome)
    /// A durable effect could not be carried out (after the controller's retries), with why.
    case failed(ReleaseEffect, reason: String)
    case observed(Observation)
    case decided(GateDecision)
    /// A newer revision replaced the release; `gitWentBack` when the revision no longer asks for the new version at
    /// all (a revert), so traffic and the canary must be put back too.
    case superseded(reason: String, gitWentBack: Bool)
    /// A new controller took the release over (after a restart or a crash), with where it comes from.
    case resumed(note: String)
}

/// What an effect produced, where it produced something.
public enum EffectOutcome: Sendable, Hashable {
    case done
    /// The revert commit, and whether an earlier controller had already pushed it.
    case reverted(revision: String, alreadyPushed: Bool)
}

/// What a read found.
public enum Observation: Sendable, Hashable {
    case canary(CanaryStatus)
    case primary(PrimaryStatus)
    /// One measurement, and the success rate it implies (for summaries) when it is one.
    case measurement(AnalysisSlot, MetricMeasurement, successRate: Double?)
}

public struct CanaryStatus: Sendable, Hashable {
    public var exists: Bool
    public var availableReplicas: Int
    /// The status describes the current spec (`observedGeneration` caught up).
    public var current: Bool
    /// The image digests its pods run, as the kubelet reports them.
    public var digests: [String]
    public var health: String

    public init(exists: Bool, availableReplicas: Int = 0, current: Bool = false, digests: [String] = [], health: String = "") {
        self.exists = exists
        self.availableReplicas = availableReplicas
        self.current = current
        self.digests = digests
        self.health = health
    }
}

public struct PrimaryStatus: Sendable, Hashable {
    public var exists: Bool
    public var images: [String]
    public var health: HealthStatus
    public var message: String

    public init(exists: Bool, images: [String] = [], health: HealthStatus = .unknown, message: String = "") {
        self.exists = exists
        self.images = images
        self.health = health
        self.message = message
    }
}
