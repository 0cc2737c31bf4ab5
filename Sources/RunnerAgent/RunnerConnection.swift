import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Runner

/// The runner's side of the server's runner API (`/api/v1/runner/…`), with its token.
struct RunnerConnection: Sendable {
    let server: String
    let token: String

    /// A job for these labels, waiting up to `wait` on the server; nil when none came.
    func requestJob(labels: [String], wait: Double) async throws -> RunnerProtocol.AssignedJob? {
        let body = try RunnerProtocol.encoder.encode(RunnerProtocol.JobRequest(labels: labels, waitSeconds: wait))
        let (status, data) = try await send(.POST, "/jobs/request", body: Array(body), timeout: .seconds(Int64(wait) + 30))
        if status == 204 { return nil }
        return try decode(RunnerProtocol.AssignedJob.self, status: status, data: data)
    }

    /// A beat, given up after `timeout`: a server that does not answer is a missed beat, not a wait.
    func heartbeat(_ job: Int64, timeout: Double) async throws -> String {
        let (status, data) = try await send(.POST, "/jobs/\(job)/heartbeat", body: [], timeout: .milliseconds(Int64(timeout * 1000)))
        return try decode(RunnerProtocol.JobState.self, status: status, data: data).state
    }

    func log(_ job: Int64, _ lines: [String]) async throws -> String {
        let body = try RunnerProtocol.encoder.encode(RunnerProtocol.LogLines(lines: lines))
        let (status, data) = try await send(.POST, "/jobs/\(job)/log", body: Array(body), timeout: .seconds(60))
        return try decode(RunnerProtocol.JobState.self, status: status, data: data).state
    }

    /// The run's artifacts the job may download (a tar archive); nil when the server sent none.
    func inputs(_ job: Int64) async throws -> [UInt8]? {
        let (status, data) = try await send(.GET, "/jobs/\(job)/artifacts", body: nil, timeout: .minutes(10))
        if status == 204 { return nil }
        guard status == 200 else { throw unexpected(status, data) }
        return data
    }

    func upload(_ job: Int64, artifacts: [UInt8]) async throws {
        let (status, data) = try await send(.PUT, "/jobs/\(job)/artifacts", body: artifacts, timeout: .minutes(10))
        guard status == 204 else { throw unexpected(status, data) }
    }

    func result(_ job: Int64, _ record: JobRecord) async throws -> String {
        let body = try RunnerProtocol.encoder.encode(RunnerProtocol.Result(record: record))
        let (status, data) = try await send(.POST, "/jobs/\(job)/result", body: Array(body), timeout: .seconds(60))
        return try decode(RunnerProtocol.JobState.self, status: status, data: data).state
    }

    private func send(_ method: HTTPMethod, _ path: String, body: [UInt8]?, timeout: TimeAmount) async throws -> (Int, [UInt8]) {
        var request = HTTPClientRequest(url: server + RunnerProtocol.basePath + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        if let body {
            request.headers.add(name: "Content-Type", value: method == .PUT ? "application/x-tar" : "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let status: Int
        let data: [UInt8]
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: timeout)
            status = Int(response.status.code)
            data = Array((try await response.body.collect(upTo: 1 << 30)).readableBytesView)
        } catch {
            throw RunnerAgentError.unreachable(server: server, reason: "\(error)")
        }
        if status == 401 { throw RunnerAgentError.refused(server: server) }
        return (status, data)
    }

    private func decode<T: Decodable>(_ type: T.Type, status: Int, data: [UInt8]) throws -> T {
        guard status == 200 else { throw unexpected(status, data) }
        do { return try RunnerProtocol.decoder.decode(T.self, from: Data(data)) } catch {
            throw RunnerAgentError.unexpected(server: server, status: status, body: "an answer the runner cannot read: \(error)")
        }
    }

    private func unexpected(_ status: Int, _ data: [UInt8]) -> RunnerAgentError {
        .unexpected(server: server, status: status, body: String(decoding: data.prefix(500), as: UTF8.self))
    }
}
