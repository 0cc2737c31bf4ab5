import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A client of the server's event streams (`/api/v1/events`, a delivery's live log): reads server-sent events as an
/// `EventSource` does, with an API token, sending `Last-Event-ID` when given.
public enum EventStreamClient {
    public struct Event: Sendable, Equatable {
        public var id: String?
        public var name: String
        public var data: String

        public init(id: String? = nil, name: String, data: String) {
            self.id = id
            self.name = name
            self.data = data
        }
    }

    /// Reads events off `url` until `stop` answers true, the stream ends or `timeout` passes (then the request fails);
    /// `onConnected` runs once the server answered, so a caller knows from where on it sees changes (its error ends the read).
    /// The events read are answered, or with `keepingAll: false` (a stream followed for hours) only the last one.
    public static func read(
        _ url: String, token: String, lastEventID: String? = nil, timeout: Duration = .seconds(60), keepingAll: Bool = true,
        onConnected: @Sendable () async throws -> Void = {}, stop: @Sendable (Event) async throws -> Bool
    ) async throws -> (events: [Event], status: Int, contentType: String?) {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Accept", value: "text/event-stream")
        if let lastEventID { request.headers.add(name: "Last-Event-ID", value: lastEventID) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(Int64(timeout.components.seconds)))
        try await onConnected()
        var events: [Event] = []
        var buffer = ""
        reading: for try await chunk in response.body {
            buffer += String(buffer: chunk)
            while let end = buffer.range(of: "\n\n") {
                let block = String(buffer[..<end.lowerBound])
                buffer = String(buffer[end.upperBound...])
                guard let event = parse(block) else { continue }
                if !keepingAll { events.removeAll(keepingCapacity: true) }
                events.append(event)
                if try await stop(event) { break reading }
            }
        }
        return (events, Int(response.status.code), response.headers.first(name: "Content-Type"))
    }

    /// One block of the stream as an event; nil for a comment or a block without data (`retry:`).
    static func parse(_ block: String) -> Event? {
        var event = Event(name: "message", data: "")
        var hasData = false
        for line in block.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("id: ") {
                event.id = String(line.dropFirst(4))
            } else if line.hasPrefix("event: ") {
                event.name = String(line.dropFirst(7))
            } else if line.hasPrefix("data: ") {
                event.data += (hasData ? "\n" : "") + line.dropFirst(6)
                hasData = true
            }
        }
        return hasData ? event : nil
    }
}
