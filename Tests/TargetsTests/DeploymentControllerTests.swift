import Foundation
import TargetKit
import Targets
import Testing

/// The deployment controller's arithmetic and status, as pure values, phase by phase.
struct DeploymentControllerTests {
    typealias Revision = RollingUpdate.Revision

    @Test func boundsFollowKubernetesRounding() throws {
        let ten = try RollingUpdate(replicas: 10)
        #expect(ten.maxSurge == 3 && ten.maxUnavailable == 2, "25% of 10: surge rounds up, unavailable down")
        let three = try RollingUpdate(replicas: 3, maxSurge: .count(1), maxUnavailable: .count(0))
        #expect(three.maxSurge == 1 && three.maxUnavailable == 0)
        #expect(
            throws: TargetError.invalid("spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0")
        ) {
            try RollingUpdate(replicas: 3, maxSurge: .count(0), maxUnavailable: .percent(0))
        }
        #expect(throws: TargetError.self) { try IntOrPercent(parsing: "-1") }
        #expect(try IntOrPercent(parsing: "30%") == .percent(30))
    }

    /// maxSurge 1, maxUnavailable 0: one new pod at a time, an old one goes only when a new one is available.
    @Test func aRollingUpdateNeverDropsBelowTheDesiredAvailability() throws {
        let plan = try RollingUpdate(replicas: 3, maxSurge: .count(1), maxUnavailable: .count(0))
        var new = Revision(name: "app-v2", replicas: 0, available: 0)
        var old = [Revision(name: "app-v1", replicas: 3, available: 3)]
        var steps = 0
        while !plan.isComplete(new: new, old: old) {
            steps += 1
            #expect(steps < 20)
            new.replicas = plan.scaleUp(new: new, old: old)
            #expect(new.replicas + old.reduce(0) { $0 + $1.replicas } <= 4, "never more than replicas + maxSurge pods")
            old = plan.scaleDown(new: new, old: old)
            #expect(new.available + old.reduce(0) { $0 + $1.available } >= 3, "never fewer than replicas - maxUnavailable available")
            new.available = new.replicas  // the new pods become available before the next pass
        }
        #expect(new.replicas == 3 && old[0].replicas == 0)

        // New pods that never become available stop the update with the old pods all still serving.
        let stuck = plan.scaleDown(
            new: Revision(name: "app-v3", replicas: 1, available: 0), old: [Revision(name: "app-v2", replicas: 3, available: 3)])
        #expect(stuck[0].replicas == 3)
        // Old pods that are not available go first.
        let relaxed = try RollingUpdate(replicas: 4, maxSurge: .count(1), maxUnavailable: .count(1))
        let cleaned = relaxed.scaleDown(
            new: Revision(name: "n", replicas: 1, available: 1), old: [Revision(name: "o", replicas: 4, available: 2)])
        #expect(cleaned[0].replicas == 2, "the two unavailable old pods go; the available ones stay, 3 available in all is the minimum")
    }

    @Test func statusFollowsAFreshDeploymentToCompletion() {
        let start = Date(timeIntervalSince1970: 1_700_000_000)
        var status = DeploymentStatus()
        status = status.next(
            DeploymentObservation(
                generation: 1, desiredReplicas: 3, maxUnavailable: 0, newRevision: "web-7d4b9", createdNewRevision: true,
                updated: ReplicaCounts(3, ready: 0, available: 0)), now: start)
        #expect(status.observedGeneration == 1 && status.replicas == 3 && status.updatedReplicas == 3 && status.unavailableReplicas == 3)
        #expect(status.condition("Available")?.status == "False" && status.condition("Available")?.reason == "MinimumReplicasUnavailable")
        #expect(status.condition("Progressing")?.reason == "NewReplicaSetCreated")
        #expect(status.condition("Progressing")?.message == "Created new replica set \"web-7d4b9\"")

        status = status.next(
            DeploymentObservation(
                generation: 1, desiredReplicas: 3, maxUnavailable: 0, newRevision: "web-7d4b9",
                updated: ReplicaCounts(3, ready: 2, available: 2)),
            now: start + 1)
        #expect(status.condition("Progressing")?.reason == "ReplicaSetUpdated")
        status = status.next(
            DeploymentObservation(
                generation: 1, desiredReplicas: 3, maxUnavailable: 0, newRevision: "web-7d4b9",
                updated: ReplicaCounts(3, ready: 3, available: 3)),
            now: start + 2)
        #expect(status.availableReplicas == 3 && status.readyReplicas == 3 && status.unavailableReplicas == 0)
        #expect(
            status.condition("Available")?.status == "True"
                && status.condition("Available")?.message == "Deployment has minimum availability.")
        #expect(status.condition("Available")?.lastTransitionTime == start + 2)
        #expect(status.condition("Progressing")?.reason == "NewReplicaSetAvailable")
        #expect(status.condition("Progressing")?.message == "ReplicaSet \"web-7d4b9\" has successfully progressed.")
        #expect(status.conditions.map(\.type) == ["Available", "Progressing"])
        let settled = status.next(
            DeploymentObservation(
                generation: 1, desiredReplicas: 3, maxUnavailable: 0, newRevision: "web-7d4b9",
                updated: ReplicaCounts(3, ready: 3, available: 3)),
            now: start + 60)
        #expect(settled == status, "a steady deployment's status does not change")
    }

    /// An image whose process exits at once: no pod ever becomes ready, and after the deadline Progressing turns False.
    @Test func aCrashingImageExceedsTheProgressDeadline() {
        let start = Date(timeIntervalSince1970: 1_700_000_000)
        func observe(_ created: Bool) -> DeploymentObservation {
            DeploymentObservation(
                generation: 2, desiredReplicas: 2, maxUnavailable: 0, progressDeadline: .seconds(10), newRevision: "api-5c8f",
                createdNewRevision: created, updated: ReplicaCounts(1, ready: 0, available: 0),
                old: ReplicaCounts(2, ready: 2, available: 2))
        }
        var status = DeploymentStatus().next(observe(true), now: start)
        #expect(status.condition("Available")?.status == "True", "the old pods still serve")
        status = status.next(observe(false), now: start + 5)
        #expect(status.condition("Progressing")?.status == "True")
        status = status.next(observe(false), now: start + 11)
        #expect(status.condition("Progressing")?.status == "False")
        #expect(status.condition("Progressing")?.reason == "ProgressDeadlineExceeded")
        #expect(status.condition("Progressing")?.message == "ReplicaSet \"api-5c8f\" has timed out progressing.")
        #expect(status.condition("Progressing")?.lastTransitionTime == start + 11)
        let later = status.next(observe(false), now: start + 30)
        #expect(later.condition("Progressing") == status.condition("Progressing"), "it stays exceeded until pods move")
        // A pod that finally becomes ready is progress again.
        let moved = later.next(
            DeploymentObservation(
                generation: 2, desiredReplicas: 2, maxUnavailable: 0, progressDeadline: .seconds(10), newRevision: "api-5c8f",
                updated: ReplicaCounts(1, ready: 1, available: 1), old: ReplicaCounts(2, ready: 2, available: 2)), now: start + 31)
        #expect(moved.condition("Progressing")?.status == "True" && moved.condition("Progressing")?.reason == "ReplicaSetUpdated")
    }
}
