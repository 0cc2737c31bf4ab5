import Foundation
import HTTPTypes
import Hummingbird

/// Server-rendered pages: escaping, the layout every page shares, and the answers pages give.
enum HTML {
    /// Text made safe for HTML content and attribute values.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    /// A whole page: the navigation (with who is signed in), `main` with `body`, and the shared assets. A request
    /// marked `X-Slipway-Fragment` gets only `main`'s content, which the page's script swaps in when something changed.
    static func page(
        title: String, user: String?, role: String?, body: String, fragmentOnly: Bool = false, live: String? = nil,
        status: HTTPResponse.Status = .ok
    ) -> Response {
        if fragmentOnly { return respond(body, status: status) }
        let navigation =
            user.map { user in
                """
                <nav aria-label="Slipway">
                  <a class="brand" href="/">Slipway</a>
                  <a href="/">Overview</a>
                  <a href="/applications">Applications</a>
                  <a href="/releases">Releases</a>
                  <a href="/runs">Runs</a>
                  <a href="/approvals">Approvals</a>
                  <span class="who">\(escape(user)) <span class="role">\(escape(role ?? ""))</span></span>
                  <form method="post" action="/sign-out"><button type="submit">Sign out</button></form>
                </nav>
                """
            } ?? "<nav aria-label=\"Slipway\"><a class=\"brand\" href=\"/\">Slipway</a></nav>"
        let liveAttribute = live.map { " data-live=\"\(escape($0))\"" } ?? ""
        let document = """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title)) · Slipway</title>
            <link rel="stylesheet" href="/ui/app.css">
            <script src="/ui/app.js" defer></script>
            </head>
            <body>
            \(navigation)
            <p id="notice" role="status" aria-live="polite"></p>
            <main id="main"\(liveAttribute)>
            \(body)
            </main>
            </body>
            </html>

            """
        return respond(document, status: status)
    }

    static func respond(_ text: String, status: HTTPResponse.Status = .ok, headers extra: [(HTTPField.Name, String)] = []) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        // Everything is Slipway's own: no inline script, no other origin (the UI works offline).
        headers[.contentSecurityPolicy] =
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'"
        headers[.xContentTypeOptions] = "nosniff"
        for (name, value) in extra { headers[name] = value }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    static func redirect(_ location: String, headers extra: [(HTTPField.Name, String)] = []) -> Response {
        var headers = HTTPFields()
        headers[.location] = location
        for (name, value) in extra { headers[name] = value }
        return Response(status: .seeOther, headers: headers)
    }

    /// A time as the record has it, in UTC.
    static func time(_ seconds: Double?) -> String {
        guard let seconds, let iso = APIReply.time(seconds) else { return "—" }
        let shown = iso.replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: " UTC")
        return "<time datetime=\"\(iso)\">\(escape(shown))</time>"
    }

    /// A status as a coloured badge (the class names the colour).
    static func badge(_ status: String) -> String {
        let lower = status.lowercased()
        let tone =
            switch lower {
            case "success", "succeeded", "synced", "healthy", "successful": "good"
            case "failure", "failed", "aborted", "degraded", "error", "outofsync", "missing": "bad"
            case "running", "progressing", "promoting", "aborting", "pending", "in_progress", "queued", "waiting", "manual": "busy"
            default: "plain"
            }
        return "<span class=\"badge \(tone)\">\(escape(status))</span>"
    }
}
