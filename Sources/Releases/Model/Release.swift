import Foundation

/// One release of one application to one environment: from the GitOps commit that asked for a new version to its
/// promotion or rollback. Pure state: `ReleaseMachine` moves it, the controller carries out its effects, the store
/// keeps it — state, pending effects and measurements included, so a new controller takes it over after a crash.
public struct Release: Sendable, Hashable {
    public var id: Int64
    /// Unique across stores: written into the revert commit, so a revert is pushed once even across restarts.
    public var key: String
    public var application: String
    public var environment: String
    public var namespace: String
    public var canary: String
    /// The GitOps commit that asked for the new version.
    public var revision: String
    public var images: [String]
    public var previousImages: [String]
    public var stepCount: Int
    public var state: ReleaseState
    /// The canary's share of traffic as last applied (0–100).
    public var canaryWeight: Int
    public var message: String
    public var startedAt: Date
    public var finishedAt: Date?
    /// The latest canary success rate measured (0–1), for summaries.
    public var canarySuccessRate: Double?
    public var revertRevision: String?
    public var firstFailingMeasurementAt: Date?
    /// What the release works from; nil only for releases recorded before Slipway kept it.
    public var plan: ReleasePlan?
    /// Analysis alongside the steps, from the strategy's starting step until the release ends.
    public var background: AnalysisRun?
    /// Durable effects asked for and not yet confirmed done, in order.
    public var pending: [ReleaseEffect]
    /// The image digests the canary's pods ran (`imageID`, `registry/name@sha256:…`), as the kubelet reported them
    /// when they became available: what this release verified, and what a promotion carries to the next environment.
    public var verifiedDigests: [String] = []

    public init(
        id: Int64, key: String = UUID().uuidString.lowercased(), application: String, environment: String, namespace: String,
        canary: String, revision: String, images: [String], previousImages: [String], stepCount: Int, startedAt: Date,
        plan: ReleasePlan? = nil
    ) {
        self.id = id
        self.key = key
        self.application = application
        self.environment = environment
        self.namespace = namespace
        self.canary = canary
        self.revision = revision
        self.images = images
        self.previousImages = previousImages
        self.stepCount = stepCount
        state = .startingCanary(since: startedAt)
        canaryWeight = 0
        message = "starting the canary"
        self.startedAt = startedAt
        self.plan = plan
        pending = []
    }

    public var phase: ReleasePhase {
        switch state {
        case .startingCanary: .progressing
        case .stepping(_, .pausedUntil): .paused
        case .stepping: .progressing
        case .atGate: .paused
        case .promoting: .promoting
        case .aborting: .aborting
        case .succeeded: .succeeded
        case .aborted: .aborted
        case .superseded: .superseded
        }
    }

    /// The step being worked on; the step count once all are done.
    public var stepIndex: Int {
        switch state {
        case .startingCanary: 0
        case .stepping(let step, _), .atGate(let step, _): step
        default: stepCount
        }
    }

    /// Waiting for `slipway rollout promote` (a `pause: {}` step or an inconclusive analysis).
    public var waitingAtGate: Bool {
        if case .atGate = state { return true }
        return false
    }

    public var pausedUntil: Date? {
        if case .stepping(_, .pausedUntil(let until)) = state { return until }
        return nil
    }

    /// Whether a controller still has work on it: not final, or final with clean-up effects left.
    public var isActive: Bool { !state.isFinal || !pending.isEmpty }

    /// One line for lists: `Succeeded registry/app:v2, canary success 99.2 %: promoted`.
    public var summary: String {
        let image = images.first ?? "?"
        let rate = canarySuccessRate.map { String(format: ", canary success %.1f %%", $0 * 100) } ?? ""
        return "\(phase.rawValue) \(image)\(rate): \(message)"
    }
}

extension Release: Codable {
    enum CodingKeys: String, CodingKey {
        case id, key, application, environment, namespace, canary, revision, images, previousImages, stepCount, state, canaryWeight
        case message, startedAt, finishedAt, canarySuccessRate, revertRevision, firstFailingMeasurementAt, plan, background, pending
        case phase, verifiedDigests
    }

    /// Rows written before releases kept their state carry only a phase: finished ones keep it, and one that was
    /// still running cannot be taken over (there is no plan to resume from), so it reads as aborted, with why.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(Int64.self, forKey: .id)
        key = try container.decodeIfPresent(String.self, forKey: .key) ?? "legacy-\(id)"
        application = try container.decode(String.self, forKey: .application)
        environment = try container.decode(String.self, forKey: .environment)
        namespace = try container.decode(String.self, forKey: .namespace)
        canary = try container.decode(String.self, forKey: .canary)
        revision = try container.decode(String.self, forKey: .revision)
        images = try container.decode([String].self, forKey: .images)
        previousImages = try container.decode([String].self, forKey: .previousImages)
        stepCount = try container.decode(Int.self, forKey: .stepCount)
        canaryWeight = try container.decodeIfPresent(Int.self, forKey: .canaryWeight) ?? 0
        message = try container.decodeIfPresent(String.self, forKey: .message) ?? ""
        startedAt = try container.decode(Date.self, forKey: .startedAt)
        finishedAt = try container.decodeIfPresent(Date.self, forKey: .finishedAt)
        canarySuccessRate = try container.decodeIfPresent(Double.self, forKey: .canarySuccessRate)
        revertRevision = try container.decodeIfPresent(String.self, forKey: .revertRevision)
        firstFailingMeasurementAt = try container.decodeIfPresent(Date.self, forKey: .firstFailingMeasurementAt)
        plan = try container.decodeIfPresent(ReleasePlan.self, forKey: .plan)
        background = try container.decodeIfPresent(AnalysisRun.self, forKey: .background)
        pending = try container.decodeIfPresent([ReleaseEffect].self, forKey: .pending) ?? []
        verifiedDigests = try container.decodeIfPresent([String].self, forKey: .verifiedDigests) ?? []
        if let state = try container.decodeIfPresent(ReleaseState.self, forKey: .state) {
            self.state = state
        } else {
            switch try container.decodeIfPresent(ReleasePhase.self, forKey: .phase) {
            case .succeeded?: state = .succeeded
            case .superseded?: state = .superseded(reason: message)
            case .aborted?: state = .aborted(reason: message)
            default:
                message = "recorded by an earlier Slipway without its state; it cannot be resumed"
                state = .aborted(reason: message)
            }
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(key, forKey: .key)
        try container.encode(application, forKey: .application)
        try container.encode(environment, forKey: .environment)
        try container.encode(namespace, forKey: .namespace)
        try container.encode(canary, forKey: .canary)
        try container.encode(revision, forKey: .revision)
        try container.encode(images, forKey: .images)
        try container.encode(previousImages, forKey: .previousImages)
        try container.encode(stepCount, forKey: .stepCount)
        try container.encode(state, forKey: .state)
        try container.encode(phase, forKey: .phase)
        try container.encode(canaryWeight, forKey: .canaryWeight)
        try container.encode(message, forKey: .message)
        try container.encode(startedAt, forKey: .startedAt)
        try container.encodeIfPresent(finishedAt, forKey: .finishedAt)
        try container.encodeIfPresent(canarySuccessRate, forKey: .canarySuccessRate)
        try container.encodeIfPresent(revertRevision, forKey: .revertRevision)
        try container.encodeIfPresent(firstFailingMeasurementAt, forKey: .firstFailingMeasurementAt)
        try container.encodeIfPresent(plan, forKey: .plan)
        try container.encodeIfPresent(background, forKey: .background)
        try container.encode(pending, forKey: .pending)
        if !verifiedDigests.isEmpty { try container.encode(verifiedDigests, forKey: .verifiedDigests) }
    }
}
