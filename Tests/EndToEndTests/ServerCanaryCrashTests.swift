import Core
import Foundation
import Manifests
import NIOHTTP1
import Releases
import SlipwayTesting
import Testing

/// `slipway server` runs the sync and canary controllers for the applications a project declares in `slipway.yaml`:
/// a push to the GitOps repository becomes a canary release; kill -9 of the server at 90/10, then a restart, and the
/// release resumes (the record says so), waits at its gate, is promoted through the API and succeeds — one release of
/// the revision, the API showing each step. Real local target with Envoy, users' traffic all along.
@Suite(.serialized) struct ServerCanaryCrashTests {
    static let crashPoint = "after:setWeights-10:Progressing"

    @Test(.timeLimit(.minutes(20))) func aCanaryAt90To10ResumesAfterTheServerIsKilled() async throws {
        let suite = self
        try await HeavyTests.exclusively { try await suite.runCrash() }
    }

    func runCrash() async throws {
        if let reason = ReleaseCrashTests.unavailableReason {
            Issue.record(Comment(rawValue: reason))
            return
        }
        let world = try await ReleaseCrashTests.World.make(versions: ["v1", "v2"])
        defer { world.remove() }
        let checked: Result<Void, any Error>
        do { checked = .success(try await run(world)) } catch { checked = .failure(error) }
        let down = try await CapturedCommand.run(
            ReleaseCrashTests.slipway, ["local", "down", "--data-dir", world.local], environment: world.environment, timeout: .seconds(60))
        #expect(down.succeeded, "\(down.standardError)")
        let leftovers = Leftovers.processes(mentioning: world.root)
        #expect(leftovers.isEmpty, "no process outlives the test: \(leftovers)")
        try checked.get()
    }

    func run(_ world: ReleaseCrashTests.World) async throws {
        let status = try await world.startTarget()
        let listen = try #require(URL(string: status["listen"]?.string ?? "")?.port, "\(status)")
        // The GitOps repository is the project; its slipway.yaml declares the application.
        try await world.declareApplication()
        let data = world.root + "/server"
        let first = try await Self.startServer(data, world: world, crashAt: Self.crashPoint, label: "first")
        let added = try await first.request(
            .POST, "/api/v1/projects", body: #"{"name":"crash","repository":"\#(world.repository.bare)","default_branch":"main"}"#)
        #expect(added.status == 201, "\(added.body)")

        // v1 goes straight to the primary (a first deploy has no canary).
        try await world.waitForPrimary("local/crash:v1")
        let app = try await first.until(
            "the application synced and healthy in the API", within: .seconds(90), "/api/v1/applications/crash-app"
        ) {
            $0.object?["sync_status"] as? String == "Synced" && $0.object?["health"] as? String == "Healthy"
        }
        #expect(app.object?["controllers"] as? String == "running", "\(app.body)")
        #expect((app.object?["last_sync"] as? [String: Any])?["phase"] as? String == "Succeeded", "\(app.body)")

        let client = LoadClient(port: listen, host: ReleaseCrashTests.host, pause: .milliseconds(20))
        let (server, samples) = try await client.during(workers: 2) { () -> ServerProcess in
            let revision = try await world.repository.push(
                ["overlays/crash/kustomization.yaml": ReleaseCrashTests.World.overlay("v2")], message: "set image local/crash to v2")
            let end = try await first.process.end(within: .seconds(120))
            #expect(end == .signaled(SIGKILL), "the server died at \(Self.crashPoint) (\(end)):\n\(first.process.output.suffix(3000))")
            let release = try await world.release(of: revision)
            #expect(release.canaryWeight == 10 && !release.state.isFinal, "killed at 90/10: \(release.summary)")

            let server = try await Self.startServer(data, world: world, crashAt: nil, label: "restarted")
            let path = "/api/v1/releases/\(release.id)"
            let atGate = try await server.until("the resumed release at its gate", within: .seconds(90), path) {
                $0.object?["waiting_at_gate"] as? Bool == true
            }
            let timeline = (atGate.object?["timeline"] as? [[String: Any]] ?? []).compactMap { $0["summary"] as? String }
            #expect(
                timeline.contains { $0.hasPrefix("resumed: taken over by a new controller") }, "the timeline shows the restart: \(timeline)"
            )
            #expect(atGate.object?["canary_weight"] as? Int == 10, "\(atGate.body)")

            // Seen and decided with the CLI through the server's API.
            let cli = ["SLIPWAY_SERVER": server.url, "SLIPWAY_TOKEN": server.adminToken]
            let status = try await CapturedCommand.run(
                ReleaseCrashTests.slipway, ["rollout", "status", "crash-app"], environment: cli, timeout: .seconds(30))
            #expect(
                status.succeeded && status.standardOutput.contains("waiting at a gate"), "\(status.standardOutput)\(status.standardError)")
            let promoted = try await CapturedCommand.run(
                ReleaseCrashTests.slipway, ["rollout", "promote", "crash-app", "--reason", "server crash test"], environment: cli,
                timeout: .seconds(30))
            #expect(
                promoted.succeeded && promoted.standardOutput.contains("as admin"), "\(promoted.standardOutput)\(promoted.standardError)")
            let done = try await server.until("the promoted release to succeed", within: .seconds(90), path) {
                $0.object?["phase"] as? String == "Succeeded"
            }
            let summaries = (done.object?["timeline"] as? [[String: Any]] ?? []).compactMap { $0["summary"] as? String }
            #expect(summaries.contains { $0.contains("admin") }, "the promotion records the user: \(summaries)")
            let shown = try await CapturedCommand.run(
                ReleaseCrashTests.slipway, ["release", "show", "\(release.id)"], environment: cli, timeout: .seconds(30))
            #expect(
                shown.succeeded && shown.standardOutput.contains("resumed: taken over"), "\(shown.standardOutput)\(shown.standardError)")
            let releases = try await server.request(.GET, "/api/v1/releases?application=crash-app&limit=100")
            let ofRevision = (releases.array ?? []).filter { $0["revision"] as? String == revision }
            #expect(ofRevision.count == 1, "one release of the revision, not two: \(releases.body)")
            return server
        }
        try await world.waitForPrimary("local/crash:v2")
        let failed = samples.filter { $0.status != 200 }
        // How many requests fit depends on the machine's load; that they flowed, and none failed, does not.
        #expect(!samples.isEmpty, "traffic ran during the release")
        #expect(failed.isEmpty, "\(failed.count) of \(samples.count) requests failed")
        let settled = try await server.request(.GET, "/api/v1/applications/crash-app")
        #expect(settled.object?["release"] == nil || settled.object?["release"] is NSNull, "no release in progress: \(settled.body)")
        #expect(settled.object?["sync_status"] as? String == "Synced", "\(settled.body)")

        server.process.terminate()
        #expect(try await server.process.end(within: .seconds(30)) == .exited(0), "\(server.process.output.suffix(2000))")
    }

    /// A `slipway server` over the world's target and delivery store, on a port the kernel chooses.
    static func startServer(_ data: String, world: ReleaseCrashTests.World, crashAt: String?, label: String) async throws -> ServerProcess {
        var environment = world.environment
        if let crashAt { environment["SLIPWAY_CRASH_AT"] = crashAt }
        return try await ServerProcess.start(
            data, arguments: ["--poll-interval", "0", "--target-data-dir", world.local, "--delivery-store", world.store],
            environment: environment, log: world.root + "/server-\(label).log")
    }
}
