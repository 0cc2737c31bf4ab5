import Core
import ServiceLifecycle

extension ServiceGroup {
    /// Runs the services until they end; SIGTERM or SIGINT shuts them down gracefully (each finishes its step).
    ///
    /// Slipway's own `TerminationSignals` rather than the group's `gracefulShutdownSignals`: those ignore the signal
    /// and wait for it on a dispatch source, and on Linux an ignored signal is lost when a thread that does not block
    /// it is the one the kernel picks.
    public func runUntilTerminationSignal() async throws {
        let signals = TerminationSignals.shared.stream()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await _ in signals {
                    await self.triggerGracefulShutdown()
                    return
                }
            }
            try await run()
            group.cancelAll()
        }
    }
}
