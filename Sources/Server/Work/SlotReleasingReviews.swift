import Runner

/// The run store's reviews, waited for without holding a worker slot.
struct SlotReleasingReviews: DeploymentReviews {
    let inner: any DeploymentReviews
    let slots: WorkerSlots

    func awaitDecision(_ request: DeploymentRequest) async -> DeploymentDecision {
        await slots.release()
        let decision = await inner.awaitDecision(request)
        // The job goes on only with a slot; a server stopping meanwhile ends it as cancelled.
        guard await slots.acquire() else { return .ended("the server stopped while the job waited for a worker") }
        return decision
    }
}
