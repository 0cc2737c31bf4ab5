import Foundation
import HTTPTypes
import Hummingbird

/// The web UI at `/`: server-rendered pages over the same records the API answers from, signed in to with an API token
/// kept in an HttpOnly, SameSite=Strict cookie. Requests the cookie authenticates may read anything the token's role
/// may; what changes state must also carry `X-Slipway-UI: 1`, which a page of another site cannot send.
extension ServerAPI {
    static let sessionCookie = "slipway_session"

    func addUIRoutes(to router: Router<BasicRequestContext>) {
        let api = self
        router.get("/ui/app.css") { _, _ in Self.asset(UIAssets.stylesheet, type: "text/css; charset=utf-8") }
        router.get("/ui/app.js") { _, _ in Self.asset(UIAssets.script, type: "text/javascript; charset=utf-8") }
        router.get("/sign-in") { request, _ in
            HTML.page(title: "Sign in", user: nil, role: nil, body: Self.signInForm(next: Self.nextPath(request), problem: nil))
        }
        router.post("/sign-in") { request, _ in try await api.signIn(request) }
        router.post("/sign-out") { _, _ in
            HTML.redirect("/sign-in", headers: [(.setCookie, "\(Self.sessionCookie)=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0")])
        }
        router.get("/") { request, _ in
            try await api.page(request) { principal, fragment in
                HTML.page(
                    title: "Overview", user: principal.userName, role: principal.role.rawValue, body: try await api.overview(principal),
                    fragmentOnly: fragment, live: "overview")
            }
        }
        router.get("/releases") { request, _ in
            try await api.page(request) { principal, fragment in
                HTML.page(
                    title: "Releases", user: principal.userName, role: principal.role.rawValue,
                    body: try api.releaseList(application: request.uri.queryParameters["application"].map(String.init)),
                    fragmentOnly: fragment, live: "releases")
            }
        }
        router.get("/releases/:id") { request, context in
            try await api.page(request) { principal, fragment in
                guard let id = context.parameters.get("id").flatMap(Int64.init),
                    let body = try await api.releasePage(id, principal: principal)
                else { return HTML.respond(Self.notFound, status: .notFound) }
                return HTML.page(
                    title: "Release \(id)", user: principal.userName, role: principal.role.rawValue, body: body, fragmentOnly: fragment,
                    live: "release")
            }
        }
        router.get("/applications") { request, _ in
            try await api.page(request) { principal, fragment in
                HTML.page(
                    title: "Applications", user: principal.userName, role: principal.role.rawValue, body: try await api.applicationList(),
                    fragmentOnly: fragment, live: "applications")
            }
        }
        router.get("/applications/:name") { request, context in
            try await api.page(request) { principal, fragment in
                guard let body = try await api.applicationPage(context.parameters.get("name"), principal: principal) else {
                    return HTML.respond(Self.notFound, status: .notFound)
                }
                return HTML.page(
                    title: context.parameters.get("name") ?? "Application", user: principal.userName, role: principal.role.rawValue,
                    body: body, fragmentOnly: fragment, live: "application")
            }
        }
        router.get("/approvals") { request, _ in
            try await api.page(request) { principal, fragment in
                HTML.page(
                    title: "Approvals", user: principal.userName, role: principal.role.rawValue,
                    body: try await api.approvalsPage(principal),
                    fragmentOnly: fragment, live: "approvals")
            }
        }
        router.get("/runs") { request, _ in
            try await api.page(request) { principal, fragment in
                HTML.page(
                    title: "Runs", user: principal.userName, role: principal.role.rawValue, body: try api.runList(request),
                    fragmentOnly: fragment, live: "runs")
            }
        }
        router.get("/runs/:id") { request, context in
            try await api.page(request) { principal, fragment in
                guard let body = try await api.runPage(context.parameters.get("id"), for: principal) else {
                    return HTML.respond(Self.notFound, status: .notFound)
                }
                return HTML.page(
                    title: "Run", user: principal.userName, role: principal.role.rawValue, body: body, fragmentOnly: fragment, live: "run")
            }
        }
    }

    static let notFound = "<h1>Not found</h1><p>Nothing here, or nothing you may see.</p>"

    /// A page for a signed-in viewer (or better); others are sent to sign in first.
    func page(_ request: Request, _ body: (Principal, Bool) async throws -> Response) async throws -> Response {
        guard let principal = try principal(request), principal.allows(.viewer, .read) else {
            let next =
                request.uri.path == "/"
                ? "" : "?next=" + (request.uri.path.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
            return HTML.redirect("/sign-in" + next)
        }
        do {
            return try await body(principal, Self.header("X-Slipway-Fragment", request.headers) == "1")
        } catch let failure as APIFailure {
            return HTML.respond("<h1>Cannot show this page</h1><p>\(HTML.escape(failure.text))</p>", status: failure.status)
        }
    }

    /// The token from the form: a valid one becomes the session cookie; anything else is the form again, with why.
    func signIn(_ request: Request) async throws -> Response {
        let buffer = try await request.body.collect(upTo: 16 << 10)
        let form = Dictionary(
            String(buffer: buffer).split(separator: "&").compactMap { pair -> (String, String)? in
                let parts = pair.split(separator: "=", maxSplits: 1).map {
                    String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
                }
                return parts.count == 2 ? (parts[0], parts[1]) : nil
            }, uniquingKeysWith: { first, _ in first })
        let token = (form["token"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let next = Self.safeNext(form["next"])
        guard let principal = try tokens.principal(token: token), principal.allows(.viewer, .read) else {
            return HTML.page(
                title: "Sign in", user: nil, role: nil,
                body: Self.signInForm(next: next, problem: "That token is not valid (or was revoked)."),
                status: .unauthorized)
        }
        return HTML.redirect(next, headers: [(.setCookie, "\(Self.sessionCookie)=\(token); Path=/; HttpOnly; SameSite=Strict")])
    }

    static func signInForm(next: String, problem: String?) -> String {
        """
        <section class="signin">
        <h1>Sign in to Slipway</h1>
        \(problem.map { "<p class=\"error\" role=\"alert\">\(HTML.escape($0))</p>" } ?? "")
        <form method="post" action="/sign-in">
        <label for="token">API token</label>
        <input id="token" name="token" type="password" autocomplete="current-password" required autofocus placeholder="slw_…">
        <input type="hidden" name="next" value="\(HTML.escape(next))">
        <button class="primary" type="submit">Sign in</button>
        </form>
        <p class="muted">An admin creates users and their tokens (<code>POST /api/v1/users/{id}/tokens</code>); the first admin's
        token is in the server's data directory (<code>admin-token</code>).</p>
        </section>
        """
    }

    static func nextPath(_ request: Request) -> String { safeNext(request.uri.queryParameters["next"].map(String.init)) }

    /// Only a path on this server (never `//host` or a URL), so signing in cannot send anyone elsewhere.
    static func safeNext(_ raw: String?) -> String {
        guard let raw, raw.hasPrefix("/"), !raw.hasPrefix("//"), !raw.contains("\\"), !raw.contains(":") else { return "/" }
        return raw
    }

    /// The session token, when the request carries the cookie.
    static func sessionToken(_ request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let trimmed = pair.trimmingCharacters(in: .whitespaces)
                if trimmed.hasPrefix(sessionCookie + "=") { return String(trimmed.dropFirst(sessionCookie.count + 1)) }
            }
        }
        return nil
    }

    static func asset(_ text: String, type: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.cacheControl] = "no-cache"
        headers[.xContentTypeOptions] = "nosniff"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
