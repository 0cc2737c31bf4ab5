import Core
import Foundation
import Manifests
import NIOHTTP1
import Releases
import SlipwayTesting
import Testing

/// Two `slipway server` replicas on one PostgreSQL 15 database over the local target: the leader runs the canary
/// controller and dies with -9 at 90/10; the other replica leads within 10 s, resumes the release from its stored state,
/// waits at the gate, is promoted through its API and succeeds — one release of the revision, users' traffic unbroken.
@Suite(.serialized) struct ServerReplicaCanaryTests {
    @Test(.timeLimit(.minutes(20))) func theOtherReplicaTakesOverACanaryAt90To10() async throws {
        let suite = self
        try await HeavyTests.exclusively { try await suite.runFailover() }
    }

    func runFailover() async throws {
        if let reason = ReleaseCrashTests.unavailableReason {
            Issue.record(Comment(rawValue: reason))
            return
        }
        guard PostgresServer.isInstalled else {
            Issue.record("PostgreSQL 15 is not installed (scripts/setup installs Debian's postgresql-15): this test did not run")
            return
        }
        let world = try await ReleaseCrashTests.World.make(versions: ["v1", "v2"])
        defer { world.remove() }
        let postgres = try await PostgresServer.start(in: world.root + "/postgres")
        let checked: Result<Void, any Error>
        do { checked = .success(try await run(world, postgres: postgres)) } catch { checked = .failure(error) }
        await postgres.stop()
        let down = try await CapturedCommand.run(
            ReleaseCrashTests.slipway, ["local", "down", "--data-dir", world.local], environment: world.environment, timeout: .seconds(60))
        #expect(down.succeeded, "\(down.standardError)")
        let leftovers = Leftovers.processes(mentioning: world.root)
        #expect(leftovers.isEmpty, "no process outlives the test: \(leftovers)")
        try checked.get()
    }

    func run(_ world: ReleaseCrashTests.World, postgres: PostgresServer) async throws {
        let status = try await world.startTarget()
        let listen = try #require(URL(string: status["listen"]?.string ?? "")?.port, "\(status)")
        try await world.declareApplication()
        let leads = "leads: starting the controllers"
        let first = try await Self.startReplica("a", world: world, postgres: postgres, crashAt: ServerCanaryCrashTests.crashPoint)
        // The first replica leads before the second starts, so the one that dies at 90/10 is the leader.
        _ = try await first.process.waitForOutput(matching: leads, within: .seconds(30), "the first replica to lead")
        try FileManager.default.createDirectory(
            atPath: world.root + "/replica-b", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try FileManager.default.copyItem(atPath: world.root + "/replica-a/secret.key", toPath: world.root + "/replica-b/secret.key")
        let second = try await Self.startReplica("b", world: world, postgres: postgres, crashAt: nil)
        defer {
            second.process.kill9()
            first.process.kill9()
        }
        let added = try await first.request(
            .POST, "/api/v1/projects", body: #"{"name":"crash","repository":"\#(world.repository.bare)","default_branch":"main"}"#)
        #expect(added.status == 201, "\(added.body)")
        try await world.waitForPrimary("local/crash:v1")
        _ = try await first.until("the application synced and healthy", within: .seconds(90), "/api/v1/applications/crash-app") {
            $0.object?["sync_status"] as? String == "Synced" && $0.object?["health"] as? String == "Healthy"
        }
        #expect(!second.process.output.contains(leads), "one leader at a time")

        let client = LoadClient(port: listen, host: ReleaseCrashTests.host, pause: .milliseconds(20))
        let (_, samples) = try await client.during(workers: 2) { () -> Void in
            let revision = try await world.repository.push(
                ["overlays/crash/kustomization.yaml": ReleaseCrashTests.World.overlay("v2")], message: "set image local/crash to v2")
            let end = try await first.process.end(within: .seconds(120))
            #expect(end == .signaled(SIGKILL), "the leader died at 90/10 (\(end)):\n\(first.process.output.suffix(3000))")
            _ = try await second.process.waitForOutput(matching: leads, within: .seconds(10), "the other replica to lead within 10 s")

            let listed = try await second.request(.GET, "/api/v1/releases?application=crash-app&limit=100")
            let ofRevision = (listed.array ?? []).filter { $0["revision"] as? String == revision }
            #expect(ofRevision.count == 1, "one release of the revision: \(listed.body)")
            let id = try #require(ofRevision.first?["id"] as? Int, "\(listed.body)")
            let path = "/api/v1/releases/\(id)"
            let atGate = try await second.until("the resumed release at its gate", within: .seconds(90), path) {
                $0.object?["waiting_at_gate"] as? Bool == true
            }
            let timeline = (atGate.object?["timeline"] as? [[String: Any]] ?? []).compactMap { $0["summary"] as? String }
            #expect(timeline.contains { $0.hasPrefix("resumed: taken over by a new controller") }, "\(timeline)")
            #expect(atGate.object?["canary_weight"] as? Int == 10, "\(atGate.body)")
            let promoted = try await second.request(
                .POST, "/api/v1/applications/crash-app/promote", body: #"{"reason":"replica failover test"}"#)
            #expect((200..<300).contains(promoted.status), "\(promoted.body)")
            _ = try await second.until("the promoted release to succeed", within: .seconds(90), path) {
                $0.object?["phase"] as? String == "Succeeded"
            }
        }
        try await world.waitForPrimary("local/crash:v2")
        let failed = samples.filter { $0.status != 200 }
        #expect(!samples.isEmpty, "traffic ran during the release")
        #expect(failed.isEmpty, "\(failed.count) of \(samples.count) requests failed")
        second.process.terminate()
        #expect(try await second.process.end(within: .seconds(30)) == .exited(0), "\(second.process.output.suffix(2000))")
    }

    static func startReplica(_ name: String, world: ReleaseCrashTests.World, postgres: PostgresServer, crashAt: String?) async throws
        -> ServerProcess
    {
        var environment = world.environment
        if let crashAt { environment["SLIPWAY_CRASH_AT"] = crashAt }
        return try await ServerProcess.start(
            world.root + "/replica-\(name)",
            arguments: [
                "--poll-interval", "0", "--target-data-dir", world.local, "--database", postgres.url(), "--database-password-file",
                postgres.passwordFile,
            ], environment: environment, log: world.root + "/server-\(name).log")
    }
}
