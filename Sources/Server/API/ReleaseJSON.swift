import Foundation
import Releases

/// A canary release as the API shows it; with its timeline when one release is asked for.
struct ReleaseJSON: Encodable {
    var id: Int64
    var application: String
    var environment: String
    var namespace: String
    var revision: String
    var phase: String
    var step: Int
    var stepCount: Int
    var canaryWeight: Int
    var waitingAtGate: Bool
    var message: String
    var summary: String
    var images: [String]
    var previousImages: [String]
    var revertRevision: String?
    var startedAt: String?
    var finishedAt: String?
    var timeline: [TimelineJSON]?

    init(_ release: Release, timeline: [TimelineEntry]? = nil) {
        id = release.id
        application = release.application
        environment = release.environment
        namespace = release.namespace
        revision = release.revision
        phase = release.phase.rawValue
        step = min(release.stepIndex + 1, release.stepCount)
        stepCount = release.stepCount
        canaryWeight = release.canaryWeight
        waitingAtGate = release.waitingAtGate
        message = release.message
        summary = release.summary
        images = release.images
        previousImages = release.previousImages
        revertRevision = release.revertRevision
        startedAt = APIReply.time(release.startedAt.timeIntervalSince1970)
        finishedAt = APIReply.time(release.finishedAt?.timeIntervalSince1970)
        self.timeline = timeline?.map(TimelineJSON.init)
    }
}

/// One entry of a release's timeline.
struct TimelineJSON: Encodable {
    var at: String?
    var kind: String
    var summary: String
    var detail: [String: String]

    init(_ entry: TimelineEntry) {
        at = APIReply.time(entry.at.timeIntervalSince1970)
        kind = entry.kind.rawValue
        summary = entry.summary
        detail = entry.detail
    }
}

/// The body of a gate decision: why (recorded in the release).
struct GateBody: Decodable {
    var reason: String?
}
