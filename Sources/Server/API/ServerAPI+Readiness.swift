import Hummingbird
import Logging
import Store

extension ServerAPI {
    struct ReadinessJSON: Encodable {
        var status: String
        var database: String?
        var migrationsApplied: Int?
        var migrationsKnown: Int?
        var reason: String?
    }

    /// `/readyz`: 200 when the database answers and holds exactly this build's migrations, else 503 with why (in
    /// general words: the probe is unauthenticated, so the database's address and errors go to the server's log only).
    func readiness() -> Response {
        do {
            let readiness = try store.readiness()
            guard readiness.isCurrent else {
                let reason =
                    readiness.unknown.isEmpty
                    ? "the database lacks migrations of this build" : "the database was migrated by a later Slipway"
                return APIReply.json(
                    ReadinessJSON(
                        status: "not ready", database: readiness.backend, migrationsApplied: readiness.applied,
                        migrationsKnown: readiness.known, reason: reason), status: .serviceUnavailable)
            }
            return APIReply.json(
                ReadinessJSON(
                    status: "ready", database: readiness.backend, migrationsApplied: readiness.applied, migrationsKnown: readiness.known))
        } catch {
            var logger = Logger(label: "slipway.server.http")
            logger.logLevel = .warning
            logger.warning("readiness: \(error)")
            return APIReply.json(ReadinessJSON(status: "not ready", reason: "the database does not answer"), status: .serviceUnavailable)
        }
    }
}
