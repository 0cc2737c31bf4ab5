import Foundation
import Runner
import Synchronization

/// The job's live log on its way to the server: lines are collected as the executor reports them and sent in order,
/// in batches (every `interval`, or at once while more than a batch is waiting). The server answers with the job's
/// state: a job cancelled there is stopped here.
final class RemoteLogReporter: RunReporter {
    private struct State {
        var pending: [String] = []
        var closed = false
        /// The sender, while it pauses between batches.
        var pause: CheckedContinuation<Void, Never>?
        /// A close or a timer that came while the sender was not pausing: its next pause ends at once.
        var woken = false
    }

    private let state = Mutex(State())
    let connection: RunnerConnection
    let job: Int64
    let onState: @Sendable (String) -> Void
    static let interval: Duration = .milliseconds(200)
    static let batchLimit = 2000

    init(connection: RunnerConnection, job: Int64, onState: @escaping @Sendable (String) -> Void) {
        self.connection = connection
        self.job = job
        self.onState = onState
    }

    func jobStarted(_ name: String) async {}
    func jobFinished(_ name: String, _ result: Conclusion, duration: Double) async {}

    func line(_ job: String, _ text: String) async {
        state.withLock { $0.pending.append(text) }
    }

    /// Sends batches until `close()`, then what is left. A batch the server did not take is tried again, up to ten times
    /// (the job's record, sent with its result, keeps every line anyway).
    func send() async {
        while true {
            let (batch, closed) = state.withLock { state in
                let batch = Array(state.pending.prefix(Self.batchLimit))
                state.pending.removeFirst(batch.count)
                return (batch, state.closed)
            }
            if !batch.isEmpty {
                var attempt = 0
                while true {
                    do {
                        onState(try await connection.log(job, batch))
                        break
                    } catch RunnerAgentError.refused(let server) {
                        onState("refused by \(server)")
                        break
                    } catch {
                        attempt += 1
                        if attempt >= 10 { break }
                        try? await Task.sleep(for: .milliseconds(200 * attempt))
                    }
                }
            }
            let left = state.withLock { $0.pending.count }
            if closed, left == 0 { return }
            // A cadence, not a wait for a condition: lines are sent in batches at most this far apart.
            if left < Self.batchLimit { await pause() }
        }
    }

    /// Stops the sender once everything collected so far was sent.
    func close() {
        let pause = state.withLock { state in
            state.closed = true
            defer { state.pause = nil }
            if state.pause == nil { state.woken = true }
            return state.pause
        }
        pause?.resume()
    }

    /// Waits `interval`, or less when `close()` comes first: the job's result waits for its last lines.
    private func pause() async {
        let timer = Task {
            do {
                try await Task.sleep(for: Self.interval)
                // Before the sender paused (a busy machine): its pause ends at once instead of never.
                let pause = state.withLock { state in
                    defer { state.pause = nil }
                    if state.pause == nil { state.woken = true }
                    return state.pause
                }
                pause?.resume()
            } catch {}
        }
        await withCheckedContinuation { continuation in
            let now = state.withLock { state in
                if state.woken || state.closed {
                    state.woken = false
                    return true
                }
                state.pause = continuation
                return false
            }
            if now { continuation.resume() }
        }
        timer.cancel()
    }
}
