import CLinuxSupport
import Foundation
import Synchronization

/// SIGINT and SIGTERM for the whole process, never lost.
///
/// Ignoring a signal and watching for it with a dispatch source lost signals here: on Linux the kernel discards an
/// ignored signal unless the thread it checks blocks it, and which threads block it depends on who started them. A
/// handled signal is never discarded. Here a real handler writes each signal to a pipe, and a thread of its own (which
/// unblocks both signals, so one thread always can take them) reads the pipe, so every signal is seen even while every
/// other thread is busy.
public final class TerminationSignals: Sendable {
    /// The process's one instance; the handler is installed on first use.
    public static let shared = TerminationSignals()

    private struct Subscribers {
        var handlers: [@Sendable (Int32) -> Void] = []
        var streams: [UUID: AsyncStream<Int32>.Continuation] = [:]
        /// Signals that arrived before anyone listened, for the first handler.
        var unheard: [Int32] = []
    }

    private let subscribers = Mutex(Subscribers())
    private let installed: Bool

    private init() {
        let readEnd = slipway_signal_pipe()
        installed = readEnd >= 0
        guard installed else {
            FileHandle.standardError.write(Data("slipway: cannot handle SIGINT and SIGTERM (errno \(errno))\n".utf8))
            return
        }
        // A thread, not a task: a command that keeps every cooperative thread busy must still hear the signal.
        let thread = Thread { [self] in read(from: readEnd) }
        thread.name = "slipway.signals"
        thread.start()
    }

    /// Calls `handler` with each signal's number, on the signal thread: it must not block for long.
    public func onSignal(_ handler: @escaping @Sendable (Int32) -> Void) {
        let unheard = subscribers.withLock { subscribers in
            subscribers.handlers.append(handler)
            defer { subscribers.unheard = [] }
            return subscribers.unheard
        }
        for signal in unheard { handler(signal) }
    }

    /// The signals that arrive from now on; iteration ends when the iterating task is cancelled.
    public func stream() -> AsyncStream<Int32> {
        let (stream, continuation) = AsyncStream<Int32>.makeStream()
        let key = UUID()
        subscribers.withLock { $0.streams[key] = continuation }
        continuation.onTermination = { [weak self] _ in
            _ = self?.subscribers.withLock { $0.streams.removeValue(forKey: key) }
        }
        return stream
    }

    private func read(from readEnd: Int32) {
        // Started from a thread that may block them (the cooperative pool's do): this one must receive them, so that a
        // signal is handled at once even when every other thread blocks it.
        _ = slipway_unblock_termination_signals()
        var byte: UInt8 = 0
        while true {
            let count = Foundation.read(readEnd, &byte, 1)
            if count == 1 {
                deliver(Int32(byte))
            } else if count < 0, errno == EINTR {
                continue
            } else {
                return
            }
        }
    }

    private func deliver(_ signal: Int32) {
        let (handlers, streams) = subscribers.withLock { subscribers in
            if subscribers.handlers.isEmpty && subscribers.streams.isEmpty { subscribers.unheard.append(signal) }
            return (subscribers.handlers, Array(subscribers.streams.values))
        }
        for handler in handlers { handler(signal) }
        for stream in streams { stream.yield(signal) }
    }
}
