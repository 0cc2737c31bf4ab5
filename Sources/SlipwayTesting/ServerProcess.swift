import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A `slipway server` process on 127.0.0.1 (port 0, read back from `server.json`), and a client for its API, for tests.
public struct ServerProcess: Sendable {
    public static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../..").standardizedFileURL.path
    public static let slipway = ProcessInfo.processInfo.environment["SLIPWAY_BINARY"] ?? (repositoryRoot + "/.build/debug/slipway")

    public let process: ChildProcess
    public let url: String
    public let adminToken: String

    /// Starts a server over `dataDirectory` and waits until it serves; without `--target-data-dir` among `arguments`, it
    /// runs no controllers (`--no-target`), whatever local target the machine has.
    public static func start(
        _ dataDirectory: String, workers: Int = 2, arguments: [String] = [], environment: [String: String] = [:],
        log: String? = nil
    ) async throws -> ServerProcess {
        let record = dataDirectory + "/server.json"
        try? FileManager.default.removeItem(atPath: record)
        let process = try await ChildProcess.start(
            slipway,
            ["server", "--data-dir", dataDirectory, "--address", "127.0.0.1:0", "--workers", "\(workers)"]
                + (arguments.contains("--target-data-dir") ? [] : ["--no-target"]) + arguments,
            environment: environment, log: log ?? dataDirectory + ".log")
        let url = try await Deadline.within(.seconds(60), "the server to listen") { () -> String in
            while true {
                if let data = FileManager.default.contents(atPath: record),
                    let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let url = object["url"] as? String,
                    (object["pid"] as? Int).map({ Int32($0) == process.pid }) == true
                {
                    return url
                }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        let token = try String(contentsOfFile: dataDirectory + "/admin-token", encoding: .utf8).trimmingCharacters(
            in: .whitespacesAndNewlines)
        return ServerProcess(process: process, url: url, adminToken: token)
    }

    public struct Answer: Sendable {
        public var status: Int
        public var body: String
        public var json: Any? { try? JSONSerialization.jsonObject(with: Data(body.utf8)) }
        public var object: [String: Any]? { json as? [String: Any] }
        public var array: [[String: Any]]? { json as? [[String: Any]] }
    }

    /// A request with the admin token (unless `token` or other `headers` are given).
    public func request(_ method: HTTPMethod, _ path: String, headers: [(String, String)] = [], body: String? = nil, token: String? = nil)
        async throws
        -> Answer
    {
        var request = HTTPClientRequest(url: url + path)
        request.method = method
        if let token = token ?? (headers.isEmpty ? adminToken : nil) {
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
        }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.body = .bytes(ByteBuffer(string: body))
            if !headers.contains(where: { $0.0.lowercased() == "content-type" }) {
                request.headers.add(name: "Content-Type", value: "application/json")
            }
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let collected = try await response.body.collect(upTo: 64 << 20)
        return Answer(status: Int(response.status.code), body: String(buffer: collected))
    }

    /// Polls the API until `condition` holds for an answer (the server's work is asynchronous; no event reaches the test).
    public func until(
        _ what: String, within limit: Duration = .seconds(120), _ path: String, _ condition: @escaping @Sendable (Answer) -> Bool
    )
        async throws
        -> Answer
    {
        try await Deadline.within(limit, what) { () -> Answer in
            while true {
                let answer = try await request(.GET, path)
                if condition(answer) { return answer }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }
}
