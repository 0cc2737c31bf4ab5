import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A server-sent events client for tests: reads events off a stream until `stop` says so (or the stream ends), as an
/// `EventSource` would, sending `Last-Event-ID` when given.
enum EventStreamReader {
    struct Event: Sendable, Equatable {
        var id: String?
        var name: String
        var data: String
    }

    static func read(
        _ url: String, token: String, lastEventID: String? = nil, onConnected: @Sendable () -> Void = {}, stop: @Sendable (Event) -> Bool
    ) async throws -> (events: [Event], status: Int, contentType: String?) {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Accept", value: "text/event-stream")
        if let lastEventID { request.headers.add(name: "Last-Event-ID", value: lastEventID) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        // The server answered: where the stream starts is settled.
        onConnected()
        var events: [Event] = []
        var buffer = ""
        reading: for try await chunk in response.body {
            buffer += String(buffer: chunk)
            while let end = buffer.range(of: "\n\n") {
                let block = String(buffer[..<end.lowerBound])
                buffer = String(buffer[end.upperBound...])
                var event = Event(id: nil, name: "message", data: "")
                var isEvent = false
                for line in block.split(separator: "\n", omittingEmptySubsequences: false) {
                    if line.hasPrefix("id: ") {
                        event.id = String(line.dropFirst(4))
                    } else if line.hasPrefix("event: ") {
                        event.name = String(line.dropFirst(7))
                    } else if line.hasPrefix("data: ") {
                        event.data += (isEvent ? "\n" : "") + line.dropFirst(6)
                        isEvent = true
                    }
                }
                guard isEvent else { continue }
                events.append(event)
                if stop(event) { break reading }
            }
        }
        return (events, Int(response.status.code), response.headers.first(name: "Content-Type"))
    }
}
