import Core
import Foundation
import Hummingbird
import Logging

/// Logs, as a warning, every request whose answer took longer than `threshold` to start (an event stream counts until
/// its headers): a server that stalls says which requests waited and for how long, instead of clients timing out
/// silently.
struct SlowRequestLog<Context: RequestContext>: RouterMiddleware {
    let threshold: Duration
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        do {
            let response = try await next(request, context)
            report(request, started: started, outcome: "\(response.status.code)")
            return response
        } catch {
            report(request, started: started, outcome: "an error")
            throw error
        }
    }

    private func report(_ request: Request, started: ContinuousClock.Instant, outcome: String) {
        let took = ContinuousClock.now - started
        guard took > threshold else { return }
        // The path only: a query may carry what a log must not.
        logger.warning("slow request: \(request.method) \(request.uri.path) took \(String(format: "%.1f", took.seconds)) s (\(outcome))")
    }
}
