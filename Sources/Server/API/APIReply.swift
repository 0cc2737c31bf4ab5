import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// JSON answers in the API's conventions: snake_case keys, sorted, ISO 8601 times; errors as `{"message": …}` with
/// GitLab's texts for the statuses clients match on.
enum APIReply {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }()

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? encoder.encode(value)) ?? Data(#"{"message":"500 Internal Server Error"}"#.utf8)
        return Response(
            status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func message(_ text: String, status: HTTPResponse.Status) -> Response {
        json(["message": text], status: status)
    }

    static func text(_ text: String, contentType: String = "text/plain; charset=utf-8") -> Response {
        Response(status: .ok, headers: [.contentType: contentType], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    static var notFound: Response { message("404 Not Found", status: .notFound) }
    static var unauthorized: Response {
        var response = message("401 Unauthorized", status: .unauthorized)
        response.headers[.wwwAuthenticate] = #"Bearer realm="slipway""#
        return response
    }
    static var forbidden: Response { message("403 Forbidden", status: .forbidden) }

    /// A time as the API shows it (ISO 8601, UTC).
    static func time(_ seconds: Double?) -> String? {
        seconds.map { Date(timeIntervalSince1970: $0).formatted(.iso8601) }
    }

    /// A request's JSON body, at most `limit` bytes, decoded, or an `APIFailure` (413, 400 naming the key); an empty body
    /// reads as `{}` when `allowEmpty`.
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, limit: Int = 1 << 20, allowEmpty: Bool = false)
        async throws(APIFailure) -> T
    {
        var buffer: ByteBuffer
        do { buffer = try await request.body.collect(upTo: limit) } catch {
            throw APIFailure(.contentTooLarge, "the body is over \(limit) bytes")
        }
        if allowEmpty, buffer.readableBytes == 0 { buffer = ByteBuffer(string: "{}") }
        do { return try decoder.decode(T.self, from: Data(buffer.readableBytesView)) } catch {
            throw APIFailure(.badRequest, "the body is not the JSON expected: \(APIFailure.describe(error))")
        }
    }
}

/// A request the API refuses: its status and what to tell the client.
struct APIFailure: Error {
    var status: HTTPResponse.Status
    var text: String

    init(_ status: HTTPResponse.Status, _ text: String) {
        self.status = status
        self.text = text
    }

    var response: Response { APIReply.message(text, status: status) }

    /// A decoding error in a sentence naming the key, not Foundation's debug dump.
    static func describe(_ error: any Error) -> String {
        switch error as? DecodingError {
        case .keyNotFound(let key, _)?: "missing key '\(key.stringValue)'"
        case .typeMismatch(_, let context)?, .valueNotFound(_, let context)?:
            "'\(context.codingPath.map(\.stringValue).joined(separator: "."))' has the wrong type"
        case .dataCorrupted(let context)?:
            context.codingPath.isEmpty ? "not JSON" : "'\(context.codingPath.map(\.stringValue).joined(separator: "."))' is invalid"
        default: "not JSON"
        }
    }
}
