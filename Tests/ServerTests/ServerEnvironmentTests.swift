import Core
import Foundation
import NIOHTTP1
import SlipwayTesting
import Testing

/// Environments on the server: a pushed commit's job deploying to `prod` waits for its reviewers, is approved through
/// the API as GitHub's pending deployments are, and sees PROD's secret (kept sealed by the server) over the project's;
/// a job without that environment sees the project's; no answer and no stored byte holds either value.
@Suite struct ServerEnvironmentTests {
    @Test(.timeLimit(.minutes(3))) func aDeploymentWaitsIsApprovedThroughTheAPIAndSeesItsEnvironmentsSecret() async throws {
        let projectValue = "project-\(UUID().uuidString.prefix(10))"
        let prodValue = "prod-\(UUID().uuidString.prefix(10))"
        let (data, repository, _) = try ServerEndToEndTests.setUp(
            workflow: """
                on: push
                jobs:
                  prod:
                    environment: Prod
                    runs-on: ubuntu-latest
                    steps:
                      - run: test "${{ secrets.DEPLOY_KEY }}" = "\(prodValue)" && echo "prod key ${{ secrets.DEPLOY_KEY }}"
                  plain:
                    runs-on: ubuntu-latest
                    steps:
                      - run: test "${{ secrets.DEPLOY_KEY }}" = "\(projectValue)"

                """)
        defer {
            repository.remove()
            try? FileManager.default.removeItem(atPath: data)
        }
        try repository.write("slipway.yaml", "environments:\n  prod: {reviewers: [\"role:approver\"]}\n")
        try repository.commitAll("environments")
        let sha = try String(contentsOfFile: repository.path + "/.git/refs/heads/main", encoding: .utf8).trimmingCharacters(
            in: .whitespacesAndNewlines)
        let server = try await ServerProcess.start(data)
        defer { server.process.kill9() }
        let project = try await ServerEndToEndTests.addProject(server, repository: repository.path)
        let base = "/api/v1/projects/\(project)"
        #expect(try await server.request(.PUT, base + "/secrets/DEPLOY_KEY", body: #"{"value":"\#(projectValue)"}"#).status == 201)
        let set = try await server.request(.PUT, base + "/environments/prod/secrets/deploy_key", body: #"{"value":"\#(prodValue)"}"#)
        #expect(set.status == 201, "\(set.body)")
        let listed = try await server.request(.GET, base + "/environments/PROD/secrets")
        #expect(listed.array?.map { "\($0["environment"] ?? "")/\($0["name"] ?? "")" } == ["prod/DEPLOY_KEY"], "\(listed.body)")
        #expect(try await server.request(.PUT, base + "/environments/a%2Fb/secrets/X", body: #"{"value":"x"}"#).status == 400)

        #expect(
            try await server.push(repository: repository.path, sha: sha, delivery: "env-1", secret: ServerEndToEndTests.secret).status
                == 202)
        let waiting = try await server.until("the run to wait for its reviewers", "/api/v1/runs?project=\(project)") { answer in
            answer.array?.first?["status"] as? String == "waiting"
        }
        let run = waiting.array?.first?["id"] as? Int ?? 0
        let pending = try await server.request(.GET, "/api/v1/runs/\(run)/pending_deployments")
        #expect(
            pending.array?.first?["environment"] as? String == "prod" && pending.array?.first?["current_user_can_approve"] as? Bool == true)
        let approved = try await server.request(
            .POST, "/api/v1/runs/\(run)/pending_deployments", body: #"{"environment":"prod","state":"approved","comment":"ship"}"#)
        #expect(approved.status == 200 && approved.array?.first?["state"] as? String == "approved", "\(approved.body)")
        let finished = try await server.until("the run to finish", "/api/v1/runs?project=\(project)") { answer in
            answer.array?.first?["status"] as? String == "completed"
        }
        #expect(finished.array?.first?["conclusion"] as? String == "success", "both jobs saw their value: \(finished.body)")
        let logs = try await server.request(.GET, "/api/v1/runs/\(run)/logs")
        #expect(logs.body.contains("prod key ***"), "\(logs.body)")
        let answers = [set.body, listed.body, waiting.body, pending.body, approved.body, finished.body, logs.body].joined()
        let stored = ["", "-wal"].map { FileManager.default.contents(atPath: data + "/server.sqlite" + $0) ?? Data() }
            .map { String(decoding: $0, as: UTF8.self) }.joined()
        for value in [projectValue, prodValue] {
            #expect(!answers.contains(value) && !stored.contains(value) && !server.process.output.contains(value))
        }
        #expect(try await server.request(.DELETE, base + "/environments/prod/secrets/DEPLOY_KEY").status == 204)
        #expect(try await server.request(.DELETE, base + "/environments/prod/secrets/DEPLOY_KEY").status == 404)
    }
}

extension ServerEnvironmentTests {
    /// With one worker, a delivery whose job waits for reviewers gives the worker back: the next delivery runs
    /// meanwhile, and the waiting one goes on once approved.
    @Test(.timeLimit(.minutes(3))) func aWaitingDeploymentDoesNotHoldTheOnlyWorker() async throws {
        let (data, repository, _) = try ServerEndToEndTests.setUp(
            workflow: """
                on: push
                jobs:
                  prod:
                    if: github.ref == 'refs/heads/main'
                    environment: prod
                    runs-on: ubuntu-latest
                    steps:
                      - run: echo deployed
                  other:
                    if: github.ref != 'refs/heads/main'
                    runs-on: ubuntu-latest
                    steps:
                      - run: echo built

                """)
        defer {
            repository.remove()
            try? FileManager.default.removeItem(atPath: data)
        }
        try repository.write("slipway.yaml", "environments:\n  prod: {reviewers: [admin]}\n")
        try repository.commitAll("environments")
        try repository.git(["branch", "feature"])
        let sha = try String(contentsOfFile: repository.path + "/.git/refs/heads/main", encoding: .utf8).trimmingCharacters(
            in: .whitespacesAndNewlines)
        let server = try await ServerProcess.start(data, workers: 1)
        defer { server.process.kill9() }
        let project = try await ServerEndToEndTests.addProject(server, repository: repository.path)
        #expect(
            try await server.push(repository: repository.path, sha: sha, delivery: "w-1", secret: ServerEndToEndTests.secret).status == 202)
        let waiting = try await server.until("the deployment to wait", "/api/v1/runs?project=\(project)") { answer in
            answer.array?.first?["status"] as? String == "waiting"
        }
        let waitingRun = waiting.array?.first?["id"] as? Int ?? 0
        #expect(
            try await server.push(
                repository: repository.path, sha: sha, delivery: "w-2", secret: ServerEndToEndTests.secret, ref: "refs/heads/feature"
            ).status == 202)
        let both = try await server.until("the second delivery to run while the first waits", "/api/v1/runs?project=\(project)") { answer in
            answer.array?.contains { $0["ref"] as? String == "refs/heads/feature" && $0["status"] as? String == "completed" } == true
        }
        #expect(both.array?.first { $0["id"] as? Int == waitingRun }?["status"] as? String == "waiting", "\(both.body)")
        // Reviewed with the CLI against the server, as the token's user (`--as` names a local reviewer only).
        let cli = ["SLIPWAY_SERVER": server.url, "SLIPWAY_TOKEN": server.adminToken]
        let named = try await CapturedCommand.run(
            ServerProcess.slipway, ["approve", "\(waitingRun)", "--environment", "prod", "--as", "bob"], environment: cli,
            timeout: .seconds(30))
        #expect(!named.succeeded && named.standardError.contains("--as names a local reviewer"), "\(named.standardError)")
        let approved = try await CapturedCommand.run(
            ServerProcess.slipway, ["approve", "\(waitingRun)", "--environment", "prod", "--comment", "go"], environment: cli,
            timeout: .seconds(30))
        #expect(approved.succeeded && approved.standardOutput.contains("prod: deployment to prod approved"), "\(approved)")
        let done = try await server.until("the approved run to finish", "/api/v1/runs/\(waitingRun)") { answer in
            answer.object?["status"] as? String == "completed"
        }
        #expect(done.object?["conclusion"] as? String == "success", "\(done.body)")
    }
}
