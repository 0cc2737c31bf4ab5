import Foundation

/// One release of one application to one environment: from the GitOps commit that asked for a new version to its
/// promotion or rollback. Pure state; the controller moves it and the store keeps it.
public struct Release: Sendable, Hashable, Codable {
    public var id: Int64
    public var application: String
    public var environment: String
    public var namespace: String
    public var canary: String
    /// The GitOps commit that asked for the new version.
    public var revision: String
    public var images: [String]
    public var previousImages: [String]
    public var phase: ReleasePhase
    /// The step being worked on; equal to the step count once all are done.
    public var stepIndex: Int
    public var stepCount: Int
    public var canaryWeight: Int
    public var pausedUntil: Date?
    /// Waiting for `slipway rollout promote` (a `pause: {}` step or an inconclusive analysis).
    public var waitingAtGate: Bool
    public var message: String
    public var startedAt: Date
    public var finishedAt: Date?
    /// The latest canary success rate measured (0–1), for summaries.
    public var canarySuccessRate: Double?
    public var revertRevision: String?
    public var firstFailingMeasurementAt: Date?

    public init(id: Int64, application: String, environment: String, namespace: String, canary: String, revision: String, images: [String],
                previousImages: [String], stepCount: Int, startedAt: Date) {
        self.id = id
        self.application = application
        self.environment = environment
        self.namespace = namespace
        self.canary = canary
        self.revision = revision
        self.images = images
        self.previousImages = previousImages
        phase = .progressing
        stepIndex = 0
        self.stepCount = stepCount
        canaryWeight = 0
        waitingAtGate = false
        message = "starting the canary"
        self.startedAt = startedAt
    }

    /// One line for lists: `#3 demo-qa Succeeded app:v2 (canary 99.2 % ok)`.
    public var summary: String {
        let image = images.first ?? "?"
        let rate = canarySuccessRate.map { String(format: ", canary success %.1f %%", $0 * 100) } ?? ""
        return "\(phase.rawValue) \(image)\(rate): \(message)"
    }
}
