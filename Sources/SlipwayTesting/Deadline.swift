import Synchronization

/// Bounds how long a test waits for something to happen, so a regression fails the test instead of hanging CI.
/// Not a performance assertion: the limit is far above the expected time. It holds even when the body ignores
/// cancellation: at the limit the caller gets `Exceeded` at once, and the body is cancelled and left to end on its own.
public enum Deadline {
    public struct Exceeded: Error, CustomStringConvertible {
        public var what: String
        public var limit: Duration
        public var description: String { "\(what) did not happen within \(limit)" }
    }

    public static func within<T: Sendable>(_ limit: Duration, _ what: String, _ body: @escaping @Sendable () async throws -> T) async throws
        -> T
    {
        let outcome = Once<T>()
        let work = Task { try await body() }
        let timer = Task {
            try await Task.sleep(for: limit)
            work.cancel()
            outcome.resume(.failure(Exceeded(what: what, limit: limit)))
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                outcome.set(continuation)
                Task {
                    let result = await work.result
                    timer.cancel()
                    outcome.resume(result)
                }
            }
        } onCancel: {
            work.cancel()
            timer.cancel()
            outcome.resume(.failure(CancellationError()))
        }
    }

    /// A continuation resumed by whichever of the work, the timer and cancellation comes first; later results are dropped.
    final class Once<T: Sendable>: Sendable {
        private struct State {
            var continuation: CheckedContinuation<T, any Error>?
            var early: Result<T, any Error>?
            var done = false
        }

        private let state = Mutex(State())

        func set(_ continuation: CheckedContinuation<T, any Error>) {
            let early: Result<T, any Error>? = state.withLock { state in
                if let early = state.early {
                    state.done = true
                    return early
                }
                state.continuation = continuation
                return nil
            }
            if let early { continuation.resume(with: early) }
        }

        func resume(_ result: Result<T, any Error>) {
            let continuation: CheckedContinuation<T, any Error>? = state.withLock { state in
                guard !state.done else { return nil }
                guard let continuation = state.continuation else {
                    if state.early == nil { state.early = result }
                    return nil
                }
                state.done = true
                state.continuation = nil
                return continuation
            }
            continuation?.resume(with: result)
        }
    }
}
