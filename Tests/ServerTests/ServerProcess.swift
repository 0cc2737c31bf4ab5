import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SlipwayTesting

/// A `slipway server` process on 127.0.0.1 (port 0, read back from `server.json`), and a client for its API.
struct ServerProcess {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../..").standardizedFileURL.path
    static let slipway = ProcessInfo.processInfo.environment["SLIPWAY_BINARY"] ?? (repositoryRoot + "/.build/debug/slipway")

    let process: ChildProcess
    let url: String
    let adminToken: String

    /// Starts a server over `dataDirectory` and waits until it serves.
    static func start(_ dataDirectory: String, workers: Int = 2, arguments: [String] = []) async throws -> ServerProcess {
        let record = dataDirectory + "/server.json"
        try? FileManager.default.removeItem(atPath: record)
        let process = try await ChildProcess.start(
            slipway,
            ["server", "--data-dir", dataDirectory, "--address", "127.0.0.1:0", "--workers", "\(workers)"]
                + (arguments.contains("--target-data-dir") ? [] : ["--no-target"]) + arguments,
            log: dataDirectory + ".log")
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

    struct Answer {
        var status: Int
        var body: String
        var json: Any? { try? JSONSerialization.jsonObject(with: Data(body.utf8)) }
    }

    func request(_ method: HTTPMethod, _ path: String, headers: [(String, String)] = [], body: String? = nil, token: String? = nil)
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

    /// A signed GitHub push delivery.
    func push(repository: String, sha: String, delivery: String, secret: String, ref: String = "refs/heads/main") async throws -> Answer {
        let body = ServerHarness.push(repository: repository, ref: ref, sha: sha)
        let headers = [
            ("X-GitHub-Event", "push"), ("X-GitHub-Delivery", delivery),
            ("X-Hub-Signature-256", "sha256=" + ServerHarness.hmac(body, secret)),
            ("Content-Type", "application/json"),
        ]
        return try await request(.POST, "/api/v1/hooks/github", headers: headers, body: body)
    }

    /// Polls the API until `condition` holds for an answer (the server's work is asynchronous; no event reaches the test).
    func until(_ what: String, within limit: Duration = .seconds(120), _ path: String, _ condition: @escaping @Sendable (Answer) -> Bool)
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
