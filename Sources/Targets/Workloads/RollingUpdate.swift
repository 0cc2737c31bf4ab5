import TargetKit

/// One step of a Deployment's rolling update, as Kubernetes' deployment controller computes it: how far the new
/// revision may scale up (never beyond `replicas + maxSurge` pods in all) and how far the old ones may scale down
/// (never below `replicas - maxUnavailable` available pods), unhealthy old pods first.
public struct RollingUpdate: Sendable, Hashable {
    /// The replica counts of one revision (a ReplicaSet).
    public struct Revision: Sendable, Hashable {
        public var name: String
        /// Pods that exist (desired and not yet deleted).
        public var replicas: Int
        /// Pods ready for at least `minReadySeconds`.
        public var available: Int

        public init(name: String, replicas: Int, available: Int) {
            self.name = name
            self.replicas = replicas
            self.available = available
        }
    }

    public var replicas: Int
    public var maxSurge: Int
    public var maxUnavailable: Int

    /// Resolves the strategy's bounds for `replicas`; both zero is refused, as the API server refuses it.
    public init(replicas: Int, maxSurge: IntOrPercent = .percent(25), maxUnavailable: IntOrPercent = .percent(25)) throws(TargetError) {
        let surge = maxSurge.resolve(total: replicas, roundUp: true)
        var unavailable = maxUnavailable.resolve(total: replicas, roundUp: false)
        if surge == 0, unavailable == 0 {
            throw .invalid("spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0")
        }
        // With nothing to surge into, at least one pod may be down, or the update could never start.
        if unavailable > replicas { unavailable = replicas }
        self.replicas = replicas
        self.maxSurge = surge
        self.maxUnavailable = unavailable
    }

    /// The new revision's next replica count.
    public func scaleUp(new: Revision, old: [Revision]) -> Int {
        if new.replicas >= replicas { return replicas }
        let total = new.replicas + old.reduce(0) { $0 + $1.replicas }
        let room = replicas + maxSurge - total
        guard room > 0 else { return new.replicas }
        return new.replicas + min(room, replicas - new.replicas)
    }

    /// The old revisions' next replica counts (same order), and how many pods that removes.
    public func scaleDown(new: Revision, old: [Revision]) -> [Revision] {
        var old = old
        let minAvailable = replicas - maxUnavailable
        let newUnavailable = max(0, new.replicas - new.available)
        let total = new.replicas + old.reduce(0) { $0 + $1.replicas }
        // Nothing may go while the new pods that are not available yet already use up the unavailability budget.
        var cleanup = total - minAvailable - newUnavailable
        guard cleanup > 0 else { return old }
        // First the old pods that are not available anyway: removing them costs no availability.
        for index in old.indices where cleanup > 0 {
            let unhealthy = old[index].replicas - old[index].available
            let removed = min(cleanup, unhealthy)
            old[index].replicas -= removed
            cleanup -= removed
        }
        // Then available ones, as long as enough stay available.
        let available = new.available + old.reduce(0) { $0 + $1.available }
        var budget = available - minAvailable
        for index in old.indices where budget > 0 {
            let removed = min(budget, old[index].replicas)
            old[index].replicas -= removed
            old[index].available = min(old[index].available, old[index].replicas)
            budget -= removed
        }
        return old
    }

    /// The update is complete: all replicas are the new revision and available, and no old pod is left.
    public func isComplete(new: Revision, old: [Revision]) -> Bool {
        new.replicas == replicas && new.available >= replicas && old.allSatisfy { $0.replicas == 0 }
    }
}
