import Synchronization

/// A count of changes that waiters can wait past: `wait(beyond:)` returns as soon as the count exceeds what the waiter
/// last saw, so no change between a reader's query and its wait is missed, however many readers there are.
final class ChangeCounter: Sendable {
    private struct State {
        var value: UInt64 = 0
        var waiters: [Int: (seen: UInt64, continuation: CheckedContinuation<Void, Never>)] = [:]
        var nextKey = 0
    }

    private let state = Mutex(State())

    var value: UInt64 { state.withLock { $0.value } }

    func bump() {
        let waiters = state.withLock { state in
            state.value += 1
            let waiting = state.waiters.values.map(\.continuation)
            state.waiters.removeAll()
            return waiting
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once the count is above `seen`, or when the task is cancelled.
    func wait(beyond seen: UInt64) async {
        let key = state.withLock { state in
            state.nextKey += 1
            return state.nextKey
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state in
                    if state.value > seen || Task.isCancelled { return true }
                    state.waiters[key] = (seen, continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: key) }
            waiter?.continuation.resume()
        }
    }

    /// Returns true once the count is above `seen`, false when `limit` passed first (or the task was cancelled).
    func wait(beyond seen: UInt64, atMost limit: Duration) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await self.wait(beyond: seen)
                return self.value > seen
            }
            group.addTask {
                try? await Task.sleep(for: limit)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }
}
