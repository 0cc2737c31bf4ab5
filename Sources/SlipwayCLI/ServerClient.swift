import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The CLI's client of a Slipway server's API: JSON in and out, and errors in words (a refused token, a thing that
/// does not exist, a server that does not answer).
struct ServerClient: Sendable {
    let baseURL: String
    let token: String

    /// The answer's body for a 2xx; a `CommandFailure` with the server's message otherwise.
    func call(_ method: HTTPMethod, _ path: String, body: [String: String]? = nil, notFound: String? = nil) async throws -> Data {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])))
        }
        let response: HTTPClientResponse
        let data: Data
        do {
            response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            data = Data((try await response.body.collect(upTo: 64 << 20)).readableBytesView)
        } catch {
            throw CommandFailure("cannot reach the server at \(baseURL): \(error)")
        }
        let message = ((try? JSONSerialization.jsonObject(with: data)) as? [String: Any])?["message"] as? String
        switch response.status.code {
        case 200..<300: return data
        case 401: throw CommandFailure("the server at \(baseURL) refused the token (unknown or revoked); check SLIPWAY_TOKEN")
        case 403: throw CommandFailure("the token's user or scope may not do this (\(message ?? "403 Forbidden"))")
        case 404: throw CommandFailure(notFound ?? message ?? "404 Not Found")
        default: throw CommandFailure("the server answered \(response.status.code): \(message ?? String(decoding: data, as: UTF8.self))")
        }
    }

    func object(_ path: String, notFound: String? = nil) async throws -> [String: Any] {
        let data = try await call(.GET, path, notFound: notFound)
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw CommandFailure("the server's answer to \(path) is not a JSON object")
        }
        return object
    }

    func list(_ path: String) async throws -> [[String: Any]] {
        let data = try await call(.GET, path)
        guard let list = try JSONSerialization.jsonObject(with: data) as? [[String: Any]] else {
            throw CommandFailure("the server's answer to \(path) is not a JSON list")
        }
        return list
    }

    /// A query parameter's value, escaped.
    static func escape(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? value
    }
}
