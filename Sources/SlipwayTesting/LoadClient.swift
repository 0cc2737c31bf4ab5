import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// Sends requests through the local target's listener from a few workers — flat out, or paced — and keeps every
/// outcome.
public struct LoadClient: Sendable {
    public struct Sample: Sendable {
        public var started: ContinuousClock.Instant
        public var finished: ContinuousClock.Instant
        /// nil for a transport error.
        public var status: Int?
        public var body: String
    }

    public var port: Int
    public var host: String
    public var path = "/"
    /// Time between one worker's requests (nil: flat out); pacing, not waiting for anything.
    public var pause: Duration?

    public init(port: Int, host: String, path: String = "/", pause: Duration? = nil) {
        self.port = port
        self.host = host
        self.path = path
        self.pause = pause
    }

    public func get() async -> Sample {
        let started = ContinuousClock.now
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.headers.add(name: "Host", value: host)
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            let body = try await response.body.collect(upTo: 1 << 20)
            return Sample(
                started: started, finished: .now, status: Int(response.status.code),
                body: String(buffer: body).trimmingCharacters(in: .whitespacesAndNewlines))
        } catch {
            return Sample(started: started, finished: .now, status: nil, body: "\(error)")
        }
    }

    /// `count` requests over `workers` concurrent loops.
    public func run(count: Int, workers: Int = 4) async -> [Sample] {
        let remaining = Shared(count)
        return await withTaskGroup(of: [Sample].self) { group in
            for _ in 0..<workers {
                group.addTask {
                    var samples: [Sample] = []
                    while remaining.value.withLock({ left in
                        left > 0
                            ? {
                                left -= 1
                                return true
                            }() : false
                    }) { samples.append(await get()) }
                    return samples
                }
            }
            var all: [Sample] = []
            for await part in group { all += part }
            return all
        }
    }

    /// Requests until `body` returns; every sample.
    public func during<T: Sendable>(workers: Int = 4, _ body: @Sendable () async throws -> T) async throws -> (T, [Sample]) {
        let stop = Shared(false)
        return try await withThrowingTaskGroup(of: [Sample].self) { group in
            for _ in 0..<workers {
                group.addTask {
                    var samples: [Sample] = []
                    while !stop.value.withLock({ $0 }) {
                        samples.append(await get())
                        if let pause { try? await Task.sleep(for: pause) }
                    }
                    return samples
                }
            }
            let result: T
            do { result = try await body() } catch {
                stop.value.withLock { $0 = true }
                throw error
            }
            stop.value.withLock { $0 = true }
            var all: [Sample] = []
            for try await part in group { all += part }
            return (result, all)
        }
    }
}

/// A lock-protected value tasks can share.
public final class Shared<Value: Sendable>: Sendable {
    public let value: Mutex<Value>
    public init(_ initial: Value) { value = Mutex(initial) }
}
