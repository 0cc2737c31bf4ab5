/// How many deliveries run at once (`--workers`). A delivery whose job waits for an environment's reviewers gives its
/// slot back while it waits (`SlotReleasingReviews`), so deployments waiting for days never starve the queue; it
/// takes a slot again, waiting its turn, once decided.
actor WorkerSlots {
    let limit: Int
    private var used = 0
    private var waiters: [(key: Int, continuation: CheckedContinuation<Bool, Never>)] = []
    private var nextKey = 0

    init(limit: Int) { self.limit = max(1, limit) }

    /// Takes a slot, waiting for one; false when the task was cancelled first (no slot is held then).
    func acquire() async -> Bool {
        if Task.isCancelled { return false }
        if used < limit {
            used += 1
            return true
        }
        nextKey += 1
        let key = nextKey
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                if Task.isCancelled {
                    continuation.resume(returning: false)
                } else {
                    waiters.append((key, continuation))
                }
            }
        } onCancel: {
            Task { await self.abandon(key) }
        }
    }

    /// Gives a slot back: to the longest waiter, else to the pool.
    func release() {
        if waiters.isEmpty {
            used = max(0, used - 1)
        } else {
            waiters.removeFirst().continuation.resume(returning: true)
        }
    }

    private func abandon(_ key: Int) {
        guard let index = waiters.firstIndex(where: { $0.key == key }) else { return }
        waiters.remove(at: index).continuation.resume(returning: false)
    }
}
