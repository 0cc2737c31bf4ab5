import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

extension ServerAPI {
    /// `GET /api/v1/events` (`Accept: text/event-stream`): every change of a delivery, run, release or sync as it is
    /// seen — events `delivery`, `run`, `release`, `sync` with the same JSON the API answers for one of them, `id:`
    /// `BOOT-N`. A client reconnecting with `Last-Event-ID` gets what it missed; when the server restarted since, or
    /// more changes were made than the server keeps, it first gets a `reset` event (reload the state, then follow).
    func addEventRoutes(to router: Router<BasicRequestContext>) {
        let api = self
        router.get("/api/v1/events") { request, _ in
            try await api.authorized(request, .viewer, .read) { _ in
                let last = Self.header("Last-Event-ID", request.headers)?.trimmingCharacters(in: .whitespaces)
                return await api.changeStream(lastEventId: last)
            }
        }
    }

    func changeStream(lastEventId: String?) async -> Response {
        let feed = self.feed
        let boot = feed.boot
        var start = await feed.newestId
        var reset: String?
        if let lastEventId {
            let parts = lastEventId.split(separator: "-")
            if parts.count == 2, parts[0] == boot, let id = UInt64(parts[1]), id <= start {
                start = id
            } else {
                reset = "the server restarted since that event, or it is not one of this server's"
            }
        }
        let body = ResponseBody { [start, reset] writer in
            var last = start
            try await writer.write(ByteBuffer(string: "retry: 1000\n\n"))
            if let reset {
                let data = (try? APIReply.encoder.encode(["reason": reset])) ?? Data("{}".utf8)
                try await writer.write(ByteBuffer(string: "event: reset\ndata: \(String(decoding: data, as: UTF8.self))\n\n"))
            }
            while !Task.isCancelled {
                let seen = feed.published.value
                let (entries, lost) = await feed.entries(after: last)
                if lost {
                    let data = #"{"reason":"more changes were made than the server keeps"}"#
                    try await writer.write(ByteBuffer(string: "event: reset\ndata: \(data)\n\n"))
                }
                if !entries.isEmpty {
                    var text = ""
                    for entry in entries { text += "id: \(boot)-\(entry.id)\nevent: \(entry.kind)\ndata: \(entry.data)\n\n" }
                    try await writer.write(ByteBuffer(string: text))
                    last = entries.last?.id ?? last
                    continue
                }
                // A comment every 15 s keeps proxies from closing a quiet stream.
                let changed = await feed.published.wait(beyond: seen, atMost: .seconds(15))
                if !changed { try await writer.write(ByteBuffer(string: ": ping\n\n")) }
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"], body: body)
    }
}
