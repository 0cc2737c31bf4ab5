import Foundation
import Synchronization
import TargetKit

/// The handle between the runtime and one pod's run loop: the processes while the container runs, and the stop
/// request (with its grace period) that ends the loop.
final class PodControl: Sendable {
    private struct State {
        var stopping = false
        var grace: Duration = .seconds(30)
        var processes: PodSandbox.Processes?
        var waiters: [UUID: AsyncStream<Void>.Continuation] = [:]
    }

    private let state = Mutex(State())

    var isStopping: Bool { state.withLock { $0.stopping } }
    var grace: Duration { state.withLock { $0.grace } }
    var processes: PodSandbox.Processes? {
        get { state.withLock { $0.processes } }
        set { state.withLock { $0.processes = newValue } }
    }

    func requestStop(grace: Duration) {
        let waiters = state.withLock { state -> [AsyncStream<Void>.Continuation] in
            if !state.stopping { state.grace = grace } else { state.grace = min(state.grace, grace) }
            state.stopping = true
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters {
            waiter.yield()
            waiter.finish()
        }
    }

    /// Returns when a stop is requested, or when the calling task is cancelled.
    func waitForStop() async {
        let (stream, continuation) = AsyncStream<Void>.makeStream()
        let id = UUID()
        let already = state.withLock { state -> Bool in
            if state.stopping { return true }
            state.waiters[id] = continuation
            return false
        }
        if already { return }
        continuation.onTermination = { [weak self] _ in _ = self?.state.withLock { $0.waiters.removeValue(forKey: id) } }
        for await _ in stream { return }
    }

    /// Sleeps for `duration` unless a stop comes first; true when the sleep ran its course.
    func sleep(for duration: Duration) async -> Bool {
        if isStopping { return false }
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                do { try await Task.sleep(for: duration) } catch { return false }
                return true
            }
            group.addTask {
                await self.waitForStop()
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first && !isStopping
        }
    }
}
