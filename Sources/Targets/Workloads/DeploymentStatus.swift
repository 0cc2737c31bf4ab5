import Core
import Foundation
import TargetKit

/// A Deployment's status as the API server shows it: counts and the `Available` and `Progressing` conditions.
public struct DeploymentStatus: Sendable, Hashable, Codable {
    public struct Condition: Sendable, Hashable, Codable {
        public var type: String
        public var status: String
        public var reason: String
        public var message: String
        public var lastUpdateTime: Date
        public var lastTransitionTime: Date
    }

    public var observedGeneration: Int = 0
    public var replicas: Int = 0
    public var updatedReplicas: Int = 0
    public var readyReplicas: Int = 0
    public var availableReplicas: Int = 0
    public var unavailableReplicas: Int = 0
    public var conditions: [Condition] = []

    public init() {}

    public func condition(_ type: String) -> Condition? { conditions.first { $0.type == type } }
}

/// Pods of one kind of revision (the new one, or all old ones together).
public struct ReplicaCounts: Sendable, Hashable {
    public var replicas: Int
    public var ready: Int
    public var available: Int

    public init(_ replicas: Int, ready: Int, available: Int) {
        self.replicas = replicas
        self.ready = ready
        self.available = available
    }

    public static let none = ReplicaCounts(0, ready: 0, available: 0)
}

/// What the controller saw in one pass, from which the next status follows.
public struct DeploymentObservation: Sendable, Hashable {
    public var generation: Int
    public var desiredReplicas: Int
    public var maxUnavailable: Int
    /// `spec.progressDeadlineSeconds` (Kubernetes' default is 600).
    public var progressDeadline: Duration
    public var newRevision: String
    /// The new revision's ReplicaSet was created in this pass (not found from an earlier one).
    public var createdNewRevision: Bool
    public var updated: ReplicaCounts
    public var old: ReplicaCounts

    public init(
        generation: Int, desiredReplicas: Int, maxUnavailable: Int, progressDeadline: Duration = .seconds(600), newRevision: String,
        createdNewRevision: Bool = false, updated: ReplicaCounts, old: ReplicaCounts = .none
    ) {
        self.generation = generation
        self.desiredReplicas = desiredReplicas
        self.maxUnavailable = maxUnavailable
        self.progressDeadline = progressDeadline
        self.newRevision = newRevision
        self.createdNewRevision = createdNewRevision
        self.updated = updated
        self.old = old
    }
}

extension DeploymentStatus {
    /// The status after `observation`, following the deployment controller: counts, `Available` by the minimum
    /// availability, and `Progressing` — NewReplicaSetCreated/FoundNewReplicaSet, ReplicaSetUpdated while pods move,
    /// NewReplicaSetAvailable when complete, ProgressDeadlineExceeded when nothing moved for the deadline.
    public func next(_ observation: DeploymentObservation, now: Date) -> DeploymentStatus {
        var status = DeploymentStatus()
        status.observedGeneration = observation.generation
        status.replicas = observation.updated.replicas + observation.old.replicas
        status.updatedReplicas = observation.updated.replicas
        status.readyReplicas = observation.updated.ready + observation.old.ready
        status.availableReplicas = observation.updated.available + observation.old.available
        status.unavailableReplicas = max(0, status.replicas - status.availableReplicas)
        status.conditions = conditions

        let available = status.availableReplicas >= observation.desiredReplicas - observation.maxUnavailable
        status.set(
            type: "Available", status: available, reason: available ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
            message: available ? "Deployment has minimum availability." : "Deployment does not have minimum availability.", now: now)

        let name = observation.newRevision
        let complete =
            observation.updated.replicas == observation.desiredReplicas && observation.updated.available == observation.desiredReplicas
            && observation.old.replicas == 0
        let progressing = condition("Progressing")
        if complete {
            status.set(
                type: "Progressing", status: true, reason: "NewReplicaSetAvailable",
                message: "ReplicaSet \"\(name)\" has successfully progressed.", now: now)
        } else if observation.createdNewRevision {
            status.set(
                type: "Progressing", status: true, reason: "NewReplicaSetCreated", message: "Created new replica set \"\(name)\"", now: now)
        } else if progressing == nil || progressing?.message.contains("\"\(name)\"") == false {
            status.set(
                type: "Progressing", status: true, reason: "FoundNewReplicaSet", message: "Found new replica set \"\(name)\"", now: now)
        } else if madeProgress(to: status) {
            status.set(
                type: "Progressing", status: true, reason: "ReplicaSetUpdated", message: "ReplicaSet \"\(name)\" is progressing.", now: now)
        } else if let progressing, progressing.reason != "ProgressDeadlineExceeded",
            now.timeIntervalSince(progressing.lastUpdateTime) > observation.progressDeadline.seconds
        {
            status.set(
                type: "Progressing", status: false, reason: "ProgressDeadlineExceeded",
                message: "ReplicaSet \"\(name)\" has timed out progressing.", now: now)
        }
        return status
    }

    /// Pods moved since this status: more updated, ready or available pods, or fewer old ones.
    func madeProgress(to next: DeploymentStatus) -> Bool {
        next.updatedReplicas > updatedReplicas || next.readyReplicas > readyReplicas || next.availableReplicas > availableReplicas
            || next.replicas - next.updatedReplicas < replicas - updatedReplicas
    }

    /// Sets a condition; the transition time moves only when its status flips, the update time whenever it is set.
    mutating func set(type: String, status value: Bool, reason: String, message: String, now: Date) {
        let text = value ? "True" : "False"
        if let index = conditions.firstIndex(where: { $0.type == type }) {
            let previous = conditions[index]
            // Unchanged conditions keep their times; only progress (ReplicaSetUpdated) moves the update time again.
            if previous.status == text, previous.reason == reason, previous.message == message, reason != "ReplicaSetUpdated" { return }
            conditions[index] = Condition(
                type: type, status: text, reason: reason, message: message, lastUpdateTime: now,
                lastTransitionTime: previous.status == text ? previous.lastTransitionTime : now)
        } else {
            conditions.append(
                Condition(type: type, status: text, reason: reason, message: message, lastUpdateTime: now, lastTransitionTime: now))
        }
    }
}
