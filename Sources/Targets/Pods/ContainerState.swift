import Foundation
import Manifests
import TargetKit

/// A container's state as `containerStatuses[].state` shows it.
public enum ContainerState: Sendable, Hashable {
    case waiting(reason: String, message: String?)
    case running(startedAt: Date)
    case terminated(exitCode: Int32, reason: String, startedAt: Date?, finishedAt: Date)

    var manifest: ManifestValue {
        switch self {
        case .waiting(let reason, let message):
            var fields: [String: ManifestValue] = ["reason": .string(reason)]
            if let message { fields["message"] = .string(message) }
            return .object(["waiting": .object(fields)])
        case .running(let startedAt):
            return .object(["running": .object(["startedAt": .string(Timestamp.format(startedAt))])])
        case .terminated(let code, let reason, let startedAt, let finishedAt):
            var fields: [String: ManifestValue] = [
                "exitCode": .int(Int(code)), "reason": .string(reason), "finishedAt": .string(Timestamp.format(finishedAt)),
            ]
            if let startedAt { fields["startedAt"] = .string(Timestamp.format(startedAt)) }
            if code > 128 { fields["signal"] = .int(Int(code) - 128) }
            return .object(["terminated": .object(fields)])
        }
    }
}

/// The kubelet's restart back-off: the first restart at once, then 10 s doubling to 5 minutes; reset once a
/// container has run for 10 minutes.
public enum CrashLoopBackOff {
    public static let initial: Duration = .seconds(10)
    public static let maximum: Duration = .seconds(300)
    public static let resetAfter: Duration = .seconds(600)

    /// The wait before restart number `restarts + 1`.
    public static func delay(restarts: Int) -> Duration {
        guard restarts > 0 else { return .zero }
        var delay = initial
        for _ in 1..<min(restarts, 16) { delay = min(delay * 2, maximum) }
        return delay
    }
}

/// Everything the runtime knows about one pod's container, from which the Pod's status follows.
public struct PodRunState: Sendable, Hashable {
    public var containerName: String
    public var image: String
    public var imageID: String?
    public var state: ContainerState
    public var lastState: ContainerState?
    public var restartCount = 0
    public var ready = false
    public var started = false
    public var podIP: IPv4Address?
    public var startTime: Date

    public init(containerName: String, image: String, startTime: Date) {
        self.containerName = containerName
        self.image = image
        self.startTime = startTime
        state = .waiting(reason: "ContainerCreating", message: nil)
    }

    public var phase: String {
        switch state {
        case .running: "Running"
        case .waiting: restartCount > 0 ? "Running" : "Pending"
        case .terminated: restartCount > 0 || lastState != nil ? "Running" : "Pending"
        }
    }

    /// The Pod's `status`.
    public func manifest(now: Date) -> ManifestValue {
        let time = ManifestValue.string(Timestamp.format(startTime))
        func condition(_ type: String, _ value: Bool) -> ManifestValue {
            .object(["type": .string(type), "status": .string(value ? "True" : "False"), "lastTransitionTime": time])
        }
        var container: [String: ManifestValue] = [
            "name": .string(containerName), "image": .string(image), "ready": .bool(ready), "started": .bool(started),
            "restartCount": .int(restartCount), "state": state.manifest,
        ]
        if let imageID { container["imageID"] = .string(imageID) }
        if let lastState { container["lastState"] = lastState.manifest }
        var status: [String: ManifestValue] = [
            "phase": .string(phase), "startTime": time, "hostIP": .string("127.0.0.1"),
            "conditions": .array([
                condition("PodScheduled", true), condition("Initialized", true), condition("ContainersReady", ready),
                condition("Ready", ready),
            ]),
            "containerStatuses": .array([.object(container)]),
        ]
        if let podIP {
            status["podIP"] = .string(podIP.description)
            status["podIPs"] = .array([.object(["ip": .string(podIP.description)])])
        }
        return .object(status)
    }
}
