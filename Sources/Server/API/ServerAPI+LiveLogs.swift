import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Store

extension ServerAPI {
    /// `GET /api/v1/deliveries/:id/logs`: what the delivery's runs print, as they print it. With
    /// `Accept: text/event-stream`, server-sent events — one `log` event per line (`id:` the line's id, `data:` JSON
    /// `{"job", "text"}`), resumed after `Last-Event-ID`, then a `done` event with the delivery's state; otherwise the
    /// lines so far as text.
    func addLiveLogRoutes(to router: Router<BasicRequestContext>) {
        let api = self
        router.get("/api/v1/deliveries/:id/logs") { request, context in
            try await api.authorized(request, .viewer, .read) { _ in try api.deliveryLogs(request, context) }
        }
    }

    /// A delivery's log: the event stream, or the text so far.
    func deliveryLogs(_ request: Request, _ context: BasicRequestContext) throws -> Response {
        guard let id = context.parameters.get("id").flatMap(Int64.init), try store.event(id: id) != nil else { return APIReply.notFound }
        if request.headers[.accept]?.contains("text/event-stream") == true {
            let last = Self.header("Last-Event-ID", request.headers).flatMap { Int64($0.trimmingCharacters(in: .whitespaces)) } ?? 0
            return eventStream(delivery: id, after: last)
        }
        var text = ""
        var after: Int64 = 0
        while true {
            let lines = try store.logLines(eventId: id, afterId: after)
            guard let last = lines.last?.id else { break }
            for line in lines { text += "\(line.job) | \(line.text)\n" }
            after = last
        }
        return APIReply.text(text)
    }

    /// `jobs` keeps the lines of those jobs only (a run's, when its delivery ran others too); nil keeps every line.
    func eventStream(delivery id: Int64, after start: Int64, jobs keep: (@Sendable (String) -> Bool)? = nil) -> Response {
        let store = self.store
        let changes = worker.liveLog.changes
        let body = ResponseBody { writer in
            var last = start
            try await writer.write(ByteBuffer(string: "retry: 1000\n\n"))
            func send(_ lines: [LogLineRow]) async throws {
                var text = ""
                for line in lines {
                    last = line.id ?? last
                    guard keep?(line.job) ?? true else { continue }
                    let data = (try? APIReply.encoder.encode(["job": line.job, "text": line.text])) ?? Data("{}".utf8)
                    text += "id: \(line.id ?? 0)\nevent: log\ndata: \(String(decoding: data, as: UTF8.self))\n\n"
                }
                if !text.isEmpty { try await writer.write(ByteBuffer(string: text)) }
            }
            while !Task.isCancelled {
                let seen = changes.value
                let lines = try store.logLines(eventId: id, afterId: last)
                if !lines.isEmpty {
                    try await send(lines)
                    continue
                }
                // The worker stores every line before it records the end: once the end is seen, one more read has them all.
                if let event = try store.event(id: id),
                    event.state == EventRow.State.completed.rawValue || event.state == EventRow.State.failed.rawValue
                {
                    var rest = try store.logLines(eventId: id, afterId: last)
                    while !rest.isEmpty {
                        try await send(rest)
                        rest = try store.logLines(eventId: id, afterId: last)
                    }
                    let done = (try? APIReply.encoder.encode(DeliveryJSON(event))) ?? Data("{}".utf8)
                    try await writer.write(ByteBuffer(string: "event: done\ndata: \(String(decoding: done, as: UTF8.self))\n\n"))
                    break
                }
                // Wait for the next batch; a comment every 15 s keeps proxies from closing a quiet stream.
                let changed = await changes.wait(beyond: seen, atMost: .seconds(15))
                if !changed { try await writer.write(ByteBuffer(string: ": ping\n\n")) }
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"], body: body)
    }
}
