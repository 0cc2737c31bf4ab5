import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Users of the demo application: a steady stream of requests through the mesh, each answer attributed to the
/// version that served it (`X-App-Version`). Versions under canary count as canary traffic; everything else —
/// including answers without a version, such as the mesh's own 503 — counts against the primary, so "no failed
/// primary requests" is a strict claim.
actor DemoTraffic {
    struct Tally: Sendable {
        var requests = 0
        var failed = 0
    }

    let url: String
    let host: String
    let rate: Double
    private(set) var primary = Tally()
    private(set) var canary: [String: Tally] = [:]
    private(set) var primaryFailures: [String] = []
    private var canaryVersions: Set<String> = []

    init(url: String, host: String, rate: Double) {
        self.url = url
        self.host = host
        self.rate = rate
    }

    /// Answers from `version` are the canary's from now on (until `promoted`).
    func underCanary(_ version: String) { canaryVersions.insert(version) }

    /// The version now runs on the primary: its answers count as the primary's again.
    func promoted(_ version: String) { canaryVersions.remove(version) }

    func canaryTally(_ version: String) -> Tally { canary[version] ?? Tally() }

    /// Sends requests at `rate` per second until the task is cancelled; each worker keeps its own connection.
    func run(workers: Int = 8) async {
        let period = Duration.seconds(Double(workers) / rate)
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<workers {
                group.addTask {
                    var next = ContinuousClock.now
                    while !Task.isCancelled {
                        await self.send()
                        next += period
                        let now = ContinuousClock.now
                        if next > now { try? await Task.sleep(until: next, clock: .continuous) } else { next = now }
                    }
                }
            }
        }
    }

    private nonisolated func send() async {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Host", value: host)
        var status = 0
        var version: String?
        var problem: String?
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            status = Int(response.status.code)
            version = response.headers.first(name: "x-app-version")
            _ = try await response.body.collect(upTo: 1 << 20)
        } catch {
            if Task.isCancelled { return }
            problem = "\(error)"
        }
        await record(status: status, version: version, problem: problem)
    }

    private func record(status: Int, version: String?, problem: String?) {
        let failed = problem != nil || !(200..<400).contains(status)
        if let version, canaryVersions.contains(version) {
            canary[version, default: Tally()].requests += 1
            if failed { canary[version, default: Tally()].failed += 1 }
            return
        }
        primary.requests += 1
        if failed {
            primary.failed += 1
            if primaryFailures.count < 5 { primaryFailures.append(problem ?? "HTTP \(status) from \(version ?? "the mesh")") }
        }
    }
}
