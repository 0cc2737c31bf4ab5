import Foundation
import Hummingbird
import Releases

extension ServerAPI {
    /// Releases and their gates: `GET /api/v1/releases?application=&limit=`, `GET /api/v1/releases/:id` with its
    /// timeline, and `POST /api/v1/applications/:app/promote|abort` (`{"reason"}`; approvers, write scope), recorded
    /// with the caller's user name, for the canary controller that shares the delivery store to act on.
    func addReleaseRoutes(to router: Router<BasicRequestContext>) {
        let api = self
        router.get("/api/v1/releases") { request, _ in
            try await api.authorized(request, .viewer, .read) { _ in
                let application = request.uri.queryParameters["application"].map(String.init)
                let list = try api.releases.list(application: application, limit: Self.pageLimit(request))
                return APIReply.json(list.map { ReleaseJSON($0) })
            }
        }
        router.get("/api/v1/releases/:id") { request, context in
            try await api.authorized(request, .viewer, .read) { _ in
                guard let id = context.parameters.get("id").flatMap(Int64.init), let (release, timeline) = try api.releases.show(id) else {
                    return APIReply.notFound
                }
                return APIReply.json(ReleaseJSON(release, timeline: timeline))
            }
        }
        for action in [GateDecision.Action.promote, .abort] {
            router.post("/api/v1/applications/:application/\(action.rawValue)") { request, context in
                try await api.authorized(request, .approver, .write) { principal in
                    guard let application = context.parameters.get("application") else { return APIReply.notFound }
                    let body = try await APIReply.decode(GateBody.self, from: request, allowEmpty: true)
                    do {
                        let release = try api.releases.decide(
                            action, application: application, actor: principal.userName, reason: body.reason)
                        return APIReply.json(ReleaseJSON(release))
                    } catch let error as GateError {
                        if case .noRelease = error { throw APIFailure(.notFound, error.description) }
                        throw APIFailure(.conflict, error.description)
                    }
                }
            }
        }
    }
}
