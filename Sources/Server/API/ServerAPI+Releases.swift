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
            try api.authorized(request, .viewer, .read) { _ in
                let query = request.uri.queryParameters
                let limit = min(max(Int(query["limit"].map(String.init) ?? "") ?? 50, 1), 500)
                let list = try api.releases.list(application: query["application"].map(String.init), limit: limit)
                return APIReply.json(list.map { ReleaseJSON($0) })
            }
        }
        router.get("/api/v1/releases/:id") { request, context in
            try api.authorized(request, .viewer, .read) { _ in
                guard let id = context.parameters.get("id").flatMap(Int64.init), let (release, timeline) = try api.releases.show(id) else {
                    return APIReply.notFound
                }
                return APIReply.json(ReleaseJSON(release, timeline: timeline))
            }
        }
        for action in [GateDecision.Action.promote, .abort] {
            router.post("/api/v1/applications/:application/\(action.rawValue)") { request, context in
                guard let principal = try api.principal(request) else { return APIReply.unauthorized }
                guard principal.allows(.approver, .write) else { return APIReply.forbidden }
                guard let application = context.parameters.get("application") else { return APIReply.notFound }
                let body: GateBody
                switch await APIReply.decode(GateBody.self, from: request, allowEmpty: true) {
                case .success(let decoded): body = decoded
                case .failure(let failure): return failure.response
                }
                do {
                    let release = try api.releases.decide(action, application: application, actor: principal.userName, reason: body.reason)
                    return APIReply.json(ReleaseJSON(release))
                } catch let error as GateError {
                    if case .noRelease = error { return APIFailure(.notFound, error.description).response }
                    return APIFailure(.conflict, error.description).response
                }
            }
        }
    }
}
