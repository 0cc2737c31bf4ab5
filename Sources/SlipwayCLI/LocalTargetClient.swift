import AsyncHTTPClient
import Foundation
import Manifests
import NIOCore
import NIOHTTP1
import TargetKit
import Targets

/// Talks to the running local target over its loopback API (the port it wrote to `<data>/api.json`).
struct LocalTargetClient: Sendable {
    var dataDirectory: String

    struct NotRunning: Error, CustomStringConvertible {
        var description = "the local target is not running (start it with `slipway local up`)"
    }

    func base() throws -> String {
        do {
            return try LocalTargetConnection(dataDirectory: dataDirectory).baseURL
        } catch {
            throw NotRunning(description: error.description)
        }
    }

    /// Sends a request; answers with status and body. Failing to reach the API means the target is not running; an
    /// answer that takes too long (an apply waits for Envoy) is reported as such.
    func send(_ method: HTTPMethod, _ path: String, body: String? = nil) async throws -> (Int, String) {
        var request = HTTPClientRequest(url: try base() + path)
        request.method = method
        if let body {
            request.body = .bytes(ByteBuffer(string: body))
            request.headers.add(name: "Content-Type", value: "application/json")
        }
        do {
            let response = try await LocalTargetConnection.http.execute(request, timeout: .seconds(120))
            let text = String(buffer: try await response.body.collect(upTo: 256 << 20))
            return (Int(response.status.code), text)
        } catch let error as HTTPClientError where error == .deadlineExceeded {
            throw error
        } catch {
            throw NotRunning()
        }
    }

    /// The answer's JSON, or the API's error message as a failure.
    func json(_ method: HTTPMethod, _ path: String, body: String? = nil) async throws -> ManifestValue {
        let (status, text) = try await send(method, path, body: body)
        let value = try? ManifestValue(json: Data(text.utf8))
        guard (200..<300).contains(status) else { throw CommandFailure(value?["error"]?.string ?? text) }
        guard let value else { throw CommandFailure("the local target answered something that is not JSON: \(text.prefix(200))") }
        return value
    }
}
