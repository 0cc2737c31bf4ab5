import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Server

/// The demo's `slipway server`, used through its API as any client would (with the admin token it wrote): the
/// application repository is its project, CI and CD run there on every push, and their runs, live logs and job graphs
/// are the web UI's.
struct DemoServer: Sendable {
    let url: String
    let token: String

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// A delivery (a push the server took) once it ended, with its workflow runs.
    struct FinishedDelivery: Sendable {
        var id: Int
        var sha: String
        var state: String
        var reason: String?
        var runs: [Run]
    }

    struct Run: Sendable {
        var id: Int
        var workflowName: String
        var conclusion: String
        var durationSeconds: Double
    }

    struct Job: Sendable {
        var jobID: String
        var name: String
        var conclusion: String
        var failureReason: String?
        var outputs: [String: String]
    }

    // MARK: Set-up

    /// The project for `repository` (added once; found by name when the workspace is reused).
    func project(named name: String, repository: String) async throws -> Int {
        let listed = try await request(.GET, "/api/v1/projects")
        if let existing = (listed as? [[String: Any]])?.first(where: { $0["name"] as? String == name }), let id = existing["id"] as? Int {
            return id
        }
        let body = try JSONSerialization.data(withJSONObject: ["name": name, "repository": repository, "default_branch": "main"])
        let added = try await request(.POST, "/api/v1/projects", body: body)
        guard let id = (added as? [String: Any])?["id"] as? Int else { throw Failure(description: "the server added no project: \(added)") }
        return id
    }

    /// Sets a project's variable (`vars.NAME`) or secret (`secrets.NAME`, sealed by the server).
    func set(_ kind: String, _ name: String, to value: String, project: Int) async throws {
        let body = try JSONSerialization.data(withJSONObject: ["value": value])
        _ = try await request(.PUT, "/api/v1/projects/\(project)/\(kind)/\(name)", body: body)
    }

    // MARK: Deliveries

    /// Runs `push` once the server's event stream is open, then waits for the delivery of `sha` to end.
    func deliver(project: Int, sha: String, timeout: Duration, push: @escaping @Sendable () async throws -> Void) async throws
        -> FinishedDelivery
    {
        let (events, _, _) = try await EventStreamClient.read(
            url + "/api/v1/events", token: token, timeout: timeout, keepingAll: false, onConnected: push,
            stop: { Self.finished($0, project: project, sha: sha) != nil })
        guard let last = events.last, var finished = Self.finished(last, project: project, sha: sha) else {
            throw Failure(description: "the server's event stream ended before the push of \(sha.prefix(8)) was delivered")
        }
        finished.runs = try await runs(delivery: finished.id)
        return finished
    }

    /// Follows every delivery of `project` as it ends (`--watch`), until cancelled; the stream is opened again when it
    /// ends (a server restart), resuming where it left off.
    func followDeliveries(project: Int, _ each: @escaping @Sendable (FinishedDelivery) async -> Void) async throws {
        let lastID = LastEventID()
        while !Task.isCancelled {
            do {
                _ = try await EventStreamClient.read(
                    url + "/api/v1/events", token: token, lastEventID: await lastID.value, timeout: .seconds(24 * 3600),
                    keepingAll: false,
                    stop: { event in
                        await lastID.set(event.id)
                        guard var finished = Self.finished(event, project: project, sha: nil) else { return false }
                        finished.runs = try await runs(delivery: finished.id)
                        await each(finished)
                        return false
                    })
            } catch is CancellationError {
                return
            } catch {
                try await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// The delivery an event says ended (without its runs), when it is one of `project` (and of `sha`).
    static func finished(_ event: EventStreamClient.Event, project: Int, sha: String?) -> FinishedDelivery? {
        guard event.name == "delivery",
            let object = (try? JSONSerialization.jsonObject(with: Data(event.data.utf8))) as? [String: Any],
            object["project_id"] as? Int == project, let delivered = object["sha"] as? String, sha.map({ delivered == $0 }) ?? true,
            let state = object["state"] as? String, state == "completed" || state == "failed", let id = object["id"] as? Int
        else { return nil }
        return FinishedDelivery(id: id, sha: delivered, state: state, reason: object["reason"] as? String, runs: [])
    }

    func runs(delivery: Int) async throws -> [Run] {
        let listed = try await request(.GET, "/api/v1/runs?delivery=\(delivery)") as? [[String: Any]] ?? []
        return listed.compactMap { run in
            guard let id = run["id"] as? Int else { return nil }
            return Run(
                id: id, workflowName: run["workflow_name"] as? String ?? "", conclusion: run["conclusion"] as? String ?? "",
                durationSeconds: run["duration_seconds"] as? Double ?? 0)
        }
    }

    func jobs(of run: Int) async throws -> [Job] {
        let detail = try await request(.GET, "/api/v1/runs/\(run)") as? [String: Any]
        return (detail?["jobs"] as? [[String: Any]] ?? []).map { job in
            Job(
                jobID: job["job_id"] as? String ?? "", name: job["name"] as? String ?? "", conclusion: job["conclusion"] as? String ?? "",
                failureReason: job["failure_reason"] as? String,
                outputs: (job["outputs"] as? [String: Any] ?? [:]).compactMapValues { $0 as? String })
        }
    }

    /// The last `count` lines a job of a run printed (masked, as the server recorded them).
    func logTail(run: Int, job: String, count: Int) async throws -> [String] {
        let name = job.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&+="))) ?? job
        let text = try await raw(.GET, "/api/v1/runs/\(run)/logs?job=\(name)")
        return Array(text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty }.suffix(count))
    }

    // MARK: HTTP

    func request(_ method: HTTPMethod, _ path: String, body: Data? = nil) async throws -> Any {
        let text = try await raw(method, path, body: body)
        return try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
    }

    func raw(_ method: HTTPMethod, _ path: String, body: Data? = nil) async throws -> String {
        var request = HTTPClientRequest(url: url + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let answer = String(buffer: try await response.body.collect(upTo: 8 << 20))
        guard (200..<300).contains(response.status.code) else {
            throw Failure(description: "the demo's server answered \(method) \(path) with \(response.status.code): \(answer.prefix(500))")
        }
        return answer
    }
}

private actor LastEventID {
    private(set) var value: String?

    func set(_ id: String?) { if let id { value = id } }
}
