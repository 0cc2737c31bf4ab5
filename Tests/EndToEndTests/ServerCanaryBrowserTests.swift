import Core
import Foundation
import Manifests
import NIOHTTP1
import Releases
import SlipwayTesting
import Testing

/// The release page against a real canary: `slipway server` runs the sync and canary controllers over the local target
/// with Envoy; a push makes a release that waits at its gate after its analysis; an approver clicks Promote in Chromium
/// (Selenium, `Tests/Browser/promote_outcome.py`) and the page shows the controller's outcome — Succeeded — without a
/// reload. Users' traffic flows through the mesh all along.
@Suite(.serialized) struct ServerCanaryBrowserTests {
    static let script = ReleaseCrashTests.repositoryRoot + "/Tests/Browser/promote_outcome.py"
    static let selenium = CacheDirectory.path(for: "python/selenium-4.51.0")

    @Test(.timeLimit(.minutes(10))) func promotingFromTheReleasePageShowsTheOutcome() async throws {
        let suite = self
        try await HeavyTests.exclusively { try await suite.run() }
    }

    func run() async throws {
        if let reason = ReleaseCrashTests.unavailableReason {
            Issue.record(Comment(rawValue: reason))
            return
        }
        for path in ["/usr/bin/chromium", "/usr/bin/chromedriver", Self.selenium + "/selenium/__init__.py"]
        where !FileManager.default.fileExists(atPath: path) {
            Issue.record("\(path) is missing: run scripts/setup (Debian's chromium and chromium-driver, Selenium from PyPI)")
            return
        }
        let world = try await ReleaseCrashTests.World.make(versions: ["v1", "v2"])
        defer { world.remove() }
        let checked: Result<Void, any Error>
        do { checked = .success(try await promote(world)) } catch { checked = .failure(error) }
        let down = try await CapturedCommand.run(
            ReleaseCrashTests.slipway, ["local", "down", "--data-dir", world.local], environment: world.environment, timeout: .seconds(60))
        #expect(down.succeeded, "\(down.standardError)")
        try checked.get()
    }

    func promote(_ world: ReleaseCrashTests.World) async throws {
        let status = try await world.startTarget()
        let listen = try #require(URL(string: status["listen"]?.string ?? "")?.port, "\(status)")
        try await world.declareApplication(environment: "qa")
        let server = try await ServerCanaryCrashTests.startServer(world.root + "/server", world: world, crashAt: nil, label: "browser")
        defer { server.process.terminate() }
        let added = try await server.request(
            .POST, "/api/v1/projects", body: #"{"name":"shop","repository":"\#(world.repository.bare)","default_branch":"main"}"#)
        #expect(added.status == 201, "\(added.body)")
        try await world.waitForPrimary("local/crash:v1")

        let client = LoadClient(port: listen, host: ReleaseCrashTests.host, pause: .milliseconds(20))
        let (output, samples) = try await client.during(workers: 2) { () -> String in
            let revision = try await world.repository.push(
                ["overlays/crash/kustomization.yaml": ReleaseCrashTests.World.overlay("v2")], message: "set image local/crash to v2")
            let release = try await world.release(of: revision)
            _ = try await server.until("the release at its gate", within: .seconds(120), "/api/v1/releases/\(release.id)") {
                $0.object?["waiting_at_gate"] as? Bool == true
            }
            let settings: [String: Any] = [
                "base_url": server.url, "token": server.adminToken, "release_id": release.id, "profile": world.root + "/chromium",
                "application": "crash-app",
                "screenshots": ProcessInfo.processInfo.environment["SLIPWAY_UI_SCREENSHOTS"] ?? "",
            ]
            let input = world.root + "/settings.json"
            try JSONSerialization.data(withJSONObject: settings).write(to: URL(fileURLWithPath: input))
            let walk = try await CapturedCommand.run(
                "sh",
                [
                    "-c", "exec /usr/bin/python3 \"$1\" \"$2\" < \"$3\"", "sh",
                    ServerProcess.repositoryRoot + "/Tests/Browser/isolated_network.py", Self.script, input,
                ],
                environment: ["PYTHONPATH": Self.selenium], timeout: .seconds(240))
            #expect(walk.succeeded, "\(walk.standardOutput)\n\(walk.standardError.suffix(3000))")
            let done = try await server.request(.GET, "/api/v1/releases/\(release.id)")
            #expect(done.object?["phase"] as? String == "Succeeded", "\(done.body)")
            let timeline = (done.object?["timeline"] as? [[String: Any]] ?? []).compactMap { $0["summary"] as? String }
            #expect(timeline.contains { $0.contains("admin") }, "the promotion is recorded with the user: \(timeline)")
            return walk.standardOutput
        }
        print(output)
        try await world.waitForPrimary("local/crash:v2")
        let failed = samples.filter { $0.status != 200 }
        #expect(!samples.isEmpty && failed.isEmpty, "\(failed.count) of \(samples.count) requests failed")
    }
}
