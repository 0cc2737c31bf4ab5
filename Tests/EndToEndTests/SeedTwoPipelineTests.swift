import Core
import Foundation
import Images
import Manifests
import NIOHTTP1
import OCI
import SlipwayTesting
import TargetKit
import Targets
import Testing

/// Seed 002 end to end with its own files (Examples/seed-002, changed only where its README says): a `git push` to
/// `main` runs the GitHub workflow in `slipway server` (test, image built and pushed to the server's registry, then
/// `curl` to the server's GitLab trigger API); the triggered `.gitlab-ci.yml` deploys the canary with `kubectl` and
/// `yq` to the local target (pulled from the registry with the node's credentials), 90/10 through Envoy, checks it with
/// Prometheus scraping the target, waits for the manual promotion (played through GitLab's API), goes to 100/0 and
/// cleans up. A second push with a failing canary fails the check and the pipeline's rollback restores 100/0 — with
/// users' traffic all along.
@Suite(.serialized) struct SeedTwoPipelineTests {
    static let slipway = ReleaseCrashTests.slipway
    static let host = "app.example.com"
    static let workflowName = "Main CI - Build and Trigger Deployment"

    static var kubectl: String? {
        (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":").map { "\($0)/kubectl" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static var unavailableReason: String? {
        if let reason = ReleaseCrashTests.unavailableReason { return reason }
        if !PrometheusProcess.isInstalled { return "prometheus is missing (scripts/setup installs Debian's prometheus)" }
        if kubectl == nil { return "kubectl is missing" }
        return nil
    }

    @Test(.timeLimit(.minutes(20))) func aPushDeploysACanaryThroughGitLabAndAFailingOneIsRolledBack() async throws {
        try await HeavyTests.exclusively { try await SeedTwoPipelineTests().runSeed() }
    }

    func runSeed() async throws {
        if let reason = Self.unavailableReason {
            Issue.record(Comment(rawValue: reason))
            return
        }
        #expect(FileManager.default.isExecutableFile(atPath: Self.slipway), "build the slipway executable first (scripts/test does)")
        let world = try await World.make()
        defer { world.remove() }
        var started: [ServerProcess] = []
        var prometheus: PrometheusProcess?
        let checked: Result<Void, any Error>
        do {
            checked = .success(
                try await run(world) { server, metrics in
                    started.append(server)
                    prometheus = metrics
                })
        } catch { checked = .failure(error) }
        for server in started { server.process.terminate() }
        for server in started { _ = try? await server.process.end(within: .seconds(30)) }
        prometheus?.stop()
        let down = try await CapturedCommand.run(
            Self.slipway, ["local", "down", "--data-dir", world.local], environment: world.nodeEnvironment, timeout: .seconds(60))
        #expect(down.succeeded, "\(down.standardError)")
        let leftovers = Leftovers.processes(mentioning: world.root).filter { !$0.contains("prometheus") }
        #expect(leftovers.isEmpty, "no process outlives the test: \(leftovers)")
        try checked.get()
    }

    func run(_ world: World, started: (ServerProcess, PrometheusProcess?) -> Void) async throws {
        // The server: GitHub webhooks and runs, GitLab's trigger API and pipelines, the registry.
        let server = try await ServerProcess.start(
            world.root + "/server", arguments: ["--target-data-dir", world.local, "--poll-interval", "0"], environment: world.ciEnvironment,
            log: world.root + "/server.log")
        started(server, nil)
        let registry = try #require(URL(string: server.url).map { "\($0.host ?? "127.0.0.1"):\($0.port ?? 0)" })
        let project = try await server.request(.POST, "/api/v1/projects", body: #"{"name":"qwik-node-app","repository":"\#(world.bare)"}"#)
        #expect(project.status == 201, "\(project.body)")
        #expect(project.object?["push_hook"] as? String == "installed", "\(project.body)")
        let projectId = try #require(project.object?["id"] as? Int)
        let ciToken = try await Self.user(server, "ci", role: "developer", scope: "write")
        let nodeToken = try await Self.user(server, "node", role: "viewer", scope: "read")
        let releaseManager = try await Self.user(server, "alice", role: "developer", scope: "write")
        let admin = [("PRIVATE-TOKEN", server.adminToken), ("Content-Type", "application/x-www-form-urlencoded")]
        let trigger = try await server.request(
            .POST, "/api/v4/projects/\(projectId)/triggers", headers: admin, body: "description=github-actions")
        let triggerToken = try #require(trigger.object?["token"] as? String, "\(trigger.body)")

        // The cluster: the local target pulls from the registry with the node's own credentials, as a kubelet does.
        try Self.writeAuth(registry: registry, user: "node", token: nodeToken, to: world.nodeAuth)
        try Self.writeAuth(registry: registry, user: "ci", token: ciToken, to: world.ciAuth)
        let status = try await world.startTarget()
        let listen = try #require(URL(string: status["listen"]?.string ?? "")?.port, "\(status)")
        let api = try #require(URL(string: try LocalTargetConnection(dataDirectory: world.local).baseURL)?.port)
        let metrics = try await PrometheusProcess.start(in: world.root, scraping: ["127.0.0.1:\(api)"])
        started(server, metrics)

        // What the workflow and the pipeline read: GitHub's secrets and variables, GitLab's project variables.
        // GitLab's `:id` is the project's number or its URL-encoded path; a secret of "1" would mask every 1 in the logs.
        let secrets = [
            "GITLAB_TRIGGER_TOKEN": triggerToken, "GITLAB_PROJECT_ID": "slipway%2Fqwik-node-app", "REGISTRY_USERNAME": "ci",
            "REGISTRY_PASSWORD": ciToken,
        ]
        for (name, value) in secrets {
            let answer = try await server.request(.PUT, "/api/v1/projects/\(projectId)/secrets/\(name)", body: Self.json(["value": value]))
            #expect(answer.status == 201, "\(name): \(answer.body)")
        }
        let variables = ["REGISTRY": registry, "GITLAB_URL": server.url, "PROMETHEUS_URL": "http://127.0.0.1:\(metrics.port)"]
        for (name, value) in variables {
            let answer = try await server.request(
                .PUT, "/api/v1/projects/\(projectId)/variables/\(name)", body: Self.json(["value": value]))
            #expect(answer.status == 201, "\(name): \(answer.body)")
        }
        let listed = try await server.request(.GET, "/api/v1/projects/\(projectId)/variables")
        #expect(listed.array?.compactMap { $0["name"] as? String } == ["GITLAB_URL", "PROMETHEUS_URL", "REGISTRY"], "\(listed.body)")

        // Production as the seed finds it: v1 on the primary, all traffic to it.
        try await world.bootstrap(registry: registry)
        let client = LoadClient(port: listen, host: Self.host, pause: .milliseconds(20))
        let before = await client.run(count: 20, workers: 2)
        #expect(before.allSatisfy { $0.status == 200 && $0.body == "qwik-node-app v1" }, "\(before.map(\.body))")

        // A good release: the canary at 90/10, checked, promoted by a person, cleaned up.
        let (good, goodTraffic) = try await client.during(workers: 2) { () -> Release in
            let sha = try await world.push(greeting: "qwik-node-app v2", errorPercent: 0)
            let pipeline = try await Self.pipeline(of: sha, projectId: projectId, server: server, until: ["manual", "failed", "success"])
            let log = try await Self.logs(pipeline, server)
            try #require(pipeline.status == "manual", "blocked at the manual promotion: \(log.suffix(6000))")
            let jobs = try await Self.jobs(pipeline, projectId: projectId, server: server)
            #expect(
                jobs.map { "\($0.name)=\($0.status)" } == [
                    "deploy_canary_release=success", "verify_canary_health=success", "promote_to_production_rollout=manual",
                    "cleanup_canary_deployment=created", "rollback_canary_release=created",
                ], "\(jobs)")
            #expect(try await world.weights() == [90, 10])
            let split = await client.run(count: 400, workers: 4)
            let canary = split.filter { $0.body == "qwik-node-app v2" }.count
            #expect(split.allSatisfy { $0.status == 200 }, "\(split.filter { $0.status != 200 }.prefix(3).map(\.body))")
            #expect((16...72).contains(canary), "about 10% of 400 requests reach the canary: \(canary)")
            print("seed 002: \(canary) of \(split.count) requests answered by the canary at 90/10")

            let promote = try #require(jobs.first { $0.name == "promote_to_production_rollout" })
            let played = try await server.request(
                .POST, "/api/v4/projects/\(projectId)/jobs/\(promote.id)/play", headers: [("PRIVATE-TOKEN", releaseManager)])
            #expect(played.status == 200, "\(played.body)")
            let finished = try await Self.pipeline(of: sha, projectId: projectId, server: server, until: ["success", "failed", "canceled"])
            let finishedLog = try await Self.logs(finished, server)
            try #require(finished.status == "success", "\(finishedLog.suffix(6000))")
            try await world.waitForPrimary("\(registry)/our-org/qwik-node-app:\(sha.prefix(7))")
            return Release(sha: sha, pipeline: finished)
        }
        #expect(try await world.weights() == [100, 0])
        #expect(try await world.canaryDeployment() == nil, "cleanup removed the canary")
        let goodFailures = goodTraffic.filter { $0.status != 200 }
        #expect(!goodTraffic.isEmpty && goodFailures.isEmpty, "\(goodFailures.count) of \(goodTraffic.count) requests failed")
        #expect(Set(goodTraffic.map(\.body)).isSuperset(of: ["qwik-node-app v1", "qwik-node-app v2"]))
        let promoted = await client.run(count: 50, workers: 2)
        #expect(promoted.allSatisfy { $0.status == 200 && $0.body == "qwik-node-app v2" }, "\(Set(promoted.map(\.body)))")

        // Every job's log and status on record; the GitHub run that triggered it too.
        let goodLog = try await Self.logs(good.pipeline, server)
        for line in [
            "Switched to context \"our-org:k8s-agent:prod-cluster\"", "deployment.apps/qwik-node-app-canary created",
            "virtualservice.networking.istio.io/qwik-node-app-vs configured", "Canary success rate: 1.0000 over",
            "deployment.apps/qwik-node-app-primary image updated", "deployment.apps \"qwik-node-app-canary\" deleted",
        ] {
            #expect(goodLog.contains(line), "the pipeline's log shows \(line)")
        }
        let runs = try await server.request(.GET, "/api/v1/runs?project=\(projectId)&limit=50")
        let ci = try #require(runs.array?.first { $0["workflow_name"] as? String == Self.workflowName && $0["sha"] as? String == good.sha })
        #expect(ci["conclusion"] as? String == "success", "\(ci)")
        let ciLog = try await server.request(.GET, "/api/v1/runs/\(ci["id"] as? Int ?? 0)/logs").body
        #expect(ciLog.contains("\(registry)/our-org/qwik-node-app:\(good.sha.prefix(7))"), "the image pushed under the short SHA")

        // A failing release: the check fails and the pipeline's rollback restores 100/0.
        let (bad, badTraffic) = try await client.during(workers: 2) { () -> Release in
            let sha = try await world.push(greeting: "qwik-node-app v3", errorPercent: 60)
            let pipeline = try await Self.pipeline(of: sha, projectId: projectId, server: server, until: ["manual", "failed", "success"])
            return Release(sha: sha, pipeline: pipeline)
        }
        let badLog = try await Self.logs(bad.pipeline, server)
        #expect(bad.pipeline.status == "failed", "\(badLog.suffix(6000))")
        let badJobs = try await Self.jobs(bad.pipeline, projectId: projectId, server: server)
        #expect(
            badJobs.map { "\($0.name)=\($0.status)" } == [
                "deploy_canary_release=success", "verify_canary_health=failed", "promote_to_production_rollout=skipped",
                "cleanup_canary_deployment=skipped", "rollback_canary_release=success",
            ], "\(badJobs)")
        #expect(badLog.contains("The canary is unhealthy."), "\(badLog.suffix(3000))")
        let verdicts = (goodLog + badLog).split(separator: "\n").filter { $0.hasPrefix("Canary success rate: ") }
        #expect(verdicts.count == 2 && verdicts[1].hasPrefix("Canary success rate: 0."), "the failing canary measured as such: \(verdicts)")
        print("seed 002: \(verdicts.joined(separator: "; then "))")
        #expect(try await world.weights() == [100, 0])
        #expect(try await world.canaryDeployment() == nil, "the rollback removed the canary")
        let unexpected = badTraffic.filter { $0.status != 200 && !($0.status == 500 && $0.body == "error: qwik-node-app v3 failed") }
        #expect(unexpected.isEmpty, "only the canary failed: \(unexpected.prefix(3).map { "\($0.status ?? 0) \($0.body)" })")
        #expect(badTraffic.contains { $0.status == 500 }, "the failing canary served users before the check stopped it")
        let after = await client.run(count: 50, workers: 2)
        #expect(after.allSatisfy { $0.status == 200 && $0.body == "qwik-node-app v2" }, "\(Set(after.map(\.body)))")

        // The credentials never reached the server's records or logs, in any encoding.
        for secret in [ciToken, triggerToken, nodeToken] {
            for encoding in [secret, Data(secret.utf8).base64EncodedString()] {
                for file in Self.files(under: world.root + "/server") {
                    guard let data = FileManager.default.contents(atPath: file) else { continue }
                    #expect(data.range(of: Data(encoding.utf8)) == nil, "\(file) holds a credential")
                }
                #expect(!goodLog.contains(encoding) && !badLog.contains(encoding) && !ciLog.contains(encoding))
            }
        }
    }

    struct Release: Sendable {
        var sha: String
        var pipeline: Pipeline
    }

    struct Pipeline: Sendable {
        var id: Int
        var sha: String
        var status: String
    }

    struct Job: Sendable, CustomStringConvertible {
        var id: Int
        var name: String
        var status: String
        var description: String { "\(name)=\(status)" }
    }

    /// The triggered pipeline of `sha`, once its status is one of `statuses`.
    static func pipeline(of sha: String, projectId: Int, server: ServerProcess, until statuses: Set<String>) async throws -> Pipeline {
        let answer = try await server.until(
            "the trigger pipeline of \(sha.prefix(7)) to be \(statuses.sorted().joined(separator: " or "))", within: .seconds(420),
            "/api/v4/projects/\(projectId)/pipelines?source=trigger"
        ) { answer in
            answer.array?.contains { $0["sha"] as? String == sha && statuses.contains($0["status"] as? String ?? "") } == true
        }
        let row = try #require(answer.array?.first { $0["sha"] as? String == sha })
        return Pipeline(id: row["id"] as? Int ?? 0, sha: sha, status: row["status"] as? String ?? "")
    }

    static func jobs(_ pipeline: Pipeline, projectId: Int, server: ServerProcess) async throws -> [Job] {
        let answer = try await server.request(
            .GET, "/api/v4/projects/\(projectId)/pipelines/\(pipeline.id)/jobs", headers: [("PRIVATE-TOKEN", server.adminToken)])
        return (answer.array ?? []).map {
            Job(id: $0["id"] as? Int ?? 0, name: $0["name"] as? String ?? "", status: $0["status"] as? String ?? "")
        }
    }

    /// The log of the run that ran `pipeline` (the server records a pipeline as a run of event `trigger`).
    static func logs(_ pipeline: Pipeline, _ server: ServerProcess) async throws -> String {
        let runs = try await server.request(.GET, "/api/v1/runs?limit=50")
        guard let run = runs.array?.first(where: { $0["event"] as? String == "trigger" && $0["sha"] as? String == pipeline.sha }),
            let id = run["id"] as? Int
        else { return "no run of pipeline \(pipeline.id) in \(runs.body)" }
        return try await server.request(.GET, "/api/v1/runs/\(id)/logs").body
    }

    static func user(_ server: ServerProcess, _ name: String, role: String, scope: String) async throws -> String {
        let user = try await server.request(.POST, "/api/v1/users", body: json(["name": name, "role": role]))
        let id = try #require(user.object?["id"] as? Int, "\(user.body)")
        let token = try await server.request(.POST, "/api/v1/users/\(id)/tokens", body: json(["name": name, "scope": scope]))
        return try #require(token.object?["token"] as? String, "\(token.body)")
    }

    static func writeAuth(registry: String, user: String, token: String, to file: String) throws {
        let auth = Data("\(user):\(token)".utf8).base64EncodedString()
        try Data(json(["auths": [registry: ["auth": auth]]]).utf8).write(to: URL(fileURLWithPath: file))
        chmod(file, 0o600)
    }

    static func json(_ object: [String: Any]) -> String {
        String(decoding: (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data(), as: UTF8.self)
    }

    static func files(under root: String) -> [String] {
        ((FileManager.default.enumerator(atPath: root)?.allObjects as? [String]) ?? []).map { root + "/" + $0 }
    }
}
