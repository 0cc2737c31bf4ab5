import Core
import Foundation
import NIOHTTP1
import Server
import SlipwayTesting
import Testing

/// GitLab pipelines in a running `slipway server`: seed 002's `curl` to the trigger API starts the project's
/// `.gitlab-ci.yml` with `CI_PIPELINE_SOURCE=trigger`, the trigger's variables over the file's and `TRIGGER_PAYLOAD`;
/// a manual job waits until `POST /api/v4/projects/:id/jobs/:job_id/play` (here from the web UI's Play button's
/// request); a push starts a `push` pipeline.
@Suite struct ServerGitLabPipelineTests {
    static let pipeline = """
        stages: [deploy, verify, promote, cleanup]
        variables:
          TARGET: from-the-file
          IMAGE_TAG: from-the-file
        deploy_canary:
          stage: deploy
          script:
            - echo "source=$CI_PIPELINE_SOURCE tag=$IMAGE_TAG target=$TARGET pipeline=$CI_PIPELINE_ID"
            - cat "$TRIGGER_PAYLOAD"; echo
            - echo "token=$DEPLOY_TOKEN region=$REGION"
            - echo "$IMAGE_TAG" > deployed.txt
          artifacts:
            paths: [deployed.txt]
          rules:
            - if: $CI_PIPELINE_SOURCE == "trigger" && $IMAGE_TAG
        verify_canary:
          stage: verify
          script: [test "$(cat deployed.txt)" = "$IMAGE_TAG"]
          rules:
            - if: $CI_PIPELINE_SOURCE == "trigger"
        promote:
          stage: promote
          script:
            - echo "promoting $(cat deployed.txt) with ${DEPLOY_TOKEN:-no token} in $REGION"
          rules:
            - if: $CI_PIPELINE_SOURCE == "trigger"
              when: manual
        cleanup:
          stage: cleanup
          script: [echo cleaned]
        lint:
          stage: verify
          script: [echo "lint on $CI_PIPELINE_SOURCE"]
          rules:
            - if: $CI_PIPELINE_SOURCE == "push"
        """

    @Test(.timeLimit(.minutes(4))) func triggerRunsThePipelineAndPlayGoesOnWithIt() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-server-gl-\(UUID().uuidString.prefix(8))").path
        let repository = try TemporaryRepository.make()
        try repository.write(".gitlab-ci.yml", Self.pipeline)
        try repository.commitAll("ci")
        defer {
            repository.remove()
            try? FileManager.default.removeItem(atPath: data)
        }
        let server = try await ServerProcess.start(data)
        defer { server.process.kill9() }
        let project = try await ServerEndToEndTests.addProject(server, repository: repository.path)
        let secret = try await server.request(
            .PUT, "/api/v1/projects/\(project)/secrets/DEPLOY_TOKEN", body: #"{"value":"tok-5ecret-v4lue"}"#)
        #expect(secret.status == 200 || secret.status == 201 || secret.status == 204, "\(secret.body)")
        let region = try await server.request(.PUT, "/api/v1/projects/\(project)/variables/REGION", body: #"{"value":"eu-west"}"#)
        #expect(region.status == 201, "\(region.body)")
        let admin = [("PRIVATE-TOKEN", server.adminToken), ("Content-Type", "application/x-www-form-urlencoded")]
        let created = try await server.request(.POST, "/api/v4/projects/\(project)/triggers", headers: admin, body: "description=ci")
        let token = try #require(created.object?["token"] as? String)

        // Seed 002's call: form fields, the project by id.
        let form = [("Content-Type", "application/x-www-form-urlencoded")]
        let trigger = try await server.request(
            .POST, "/api/v4/projects/\(project)/trigger/pipeline", headers: form,
            body: "token=\(token)&ref=main&variables%5BIMAGE_TAG%5D=abc1234&variables%5BTARGET%5D=from-the-trigger")
        #expect(trigger.status == 201, "\(trigger.body)")
        let pipelineId = try #require(trigger.object?["id"] as? Int)
        let waiting = try await server.until(
            "the pipeline to wait for its manual job", "/api/v4/projects/\(project)/pipelines/\(pipelineId)"
        ) {
            ($0.object?["status"] as? String) == "manual"
        }
        #expect(waiting.object?["source"] as? String == "trigger")
        let jobs = try await server.request(.GET, "/api/v4/projects/\(project)/pipelines/\(pipelineId)/jobs", headers: admin)
        let listed = try #require(jobs.array)
        #expect(
            listed.map { "\($0["name"] ?? "")=\($0["status"] ?? "")" } == [
                "deploy_canary=success", "verify_canary=success", "promote=manual", "cleanup=created",
            ])
        let runs = try await server.request(.GET, "/api/v1/runs?project=\(project)")
        let runId = try #require(runs.array?.first?["id"] as? Int)
        let logs = try await server.request(.GET, "/api/v1/runs/\(runId)/logs")
        #expect(logs.body.contains("source=trigger tag=abc1234 target=from-the-trigger pipeline=\(pipelineId)"), "\(logs.body)")
        #expect(logs.body.contains(#""ref":"main""#) && logs.body.contains(#""IMAGE_TAG":"abc1234""#), "TRIGGER_PAYLOAD: \(logs.body)")
        #expect(!logs.body.contains(token), "the trigger token is not in TRIGGER_PAYLOAD")
        #expect(logs.body.contains("token=*** region=eu-west") && !logs.body.contains("tok-5ecret-v4lue"), "\(logs.body)")
        let pipelines = try await server.request(.GET, "/api/v4/projects/\(project)/pipelines?source=trigger", headers: admin)
        #expect(pipelines.array?.map { $0["id"] as? Int } == [pipelineId], "\(pipelines.body)")
        #expect(try await server.request(.GET, "/api/v4/projects/\(project)/pipelines?source=push", headers: admin).array?.isEmpty == true)
        #expect(try await server.request(.GET, "/api/v4/projects/\(project)/pipelines?per_page=0", headers: admin).status == 400)
        // The pipeline waits with its state on record; the project's secrets are not part of it.
        let stored = ["", "-wal"].map { FileManager.default.contents(atPath: data + "/server.sqlite" + $0) ?? Data() }
        #expect(stored.allSatisfy { $0.range(of: Data("tok-5ecret-v4lue".utf8)) == nil }, "the store never holds the secret")

        // Play: GitLab's endpoint, a developer's token; the pipeline goes on with deploy's artifact.
        let promote = try #require(listed.first { $0["name"] as? String == "promote" }?["id"] as? Int)
        let cleanup = try #require(listed.first { $0["name"] as? String == "cleanup" }?["id"] as? Int)
        let refused = try await server.request(.POST, "/api/v4/projects/\(project)/jobs/\(cleanup)/play", headers: admin)
        #expect(refused.status == 400)
        let anonymous = try await server.request(.POST, "/api/v4/projects/\(project)/jobs/\(promote)/play", headers: [("X", "y")])
        #expect(anonymous.status == 401)
        // The web UI's run page offers Play to developers (a viewer sees none) and plays through the same endpoint with
        // the session cookie and the UI's header (without the header, the cookie alone is refused).
        let session = ("Cookie", "slipway_session=\(server.adminToken)")
        let page = try await server.request(.GET, "/runs/\(runId)", headers: [session])
        #expect(page.body.contains("data-job=\"\(promote)\"") && page.body.contains(">Play<"), "\(page.body.suffix(3000))")
        let viewer = try await WebUIBrowserTests.token(server, "vic", role: "viewer")
        let viewersPage = try await server.request(.GET, "/runs/\(runId)", headers: [("Cookie", "slipway_session=\(viewer)")])
        #expect(viewersPage.status == 200 && !viewersPage.body.contains(">Play<"), "a viewer is not offered Play")
        let forged = try await server.request(.POST, "/api/v4/projects/\(project)/jobs/\(promote)/play", headers: [session])
        #expect(forged.status == 401, "a cookie without the UI's header: \(forged.status)")
        let played = try await server.request(
            .POST, "/api/v4/projects/\(project)/jobs/\(promote)/play", headers: [session, ("X-Slipway-UI", "1")])
        #expect(played.status == 200, "\(played.body)")
        #expect(played.object?["status"] as? String == "pending")
        let finished = try await server.until("the pipeline to finish", "/api/v4/projects/\(project)/pipelines/\(pipelineId)") {
            ["success", "failed"].contains($0.object?["status"] as? String ?? "")
        }
        #expect(finished.object?["status"] as? String == "success", "\(server.process.output.suffix(3000))")
        let after = try await server.request(.GET, "/api/v1/runs/\(runId)/logs")
        #expect(after.body.contains("promoting abc1234 with *** in eu-west"), "the played job gets the secrets again: \(after.body)")
        // The run's log as server-sent events: the trigger's delivery, line by line, then its end.
        let events = try await EventStreamClient.read(server.url + "/api/v1/runs/\(runId)/logs", token: server.adminToken) {
            $0.name == "done"
        }
        #expect(events.events.contains { $0.name == "log" && $0.data.contains("source=trigger tag=abc1234") }, "\(events)")
    }

    @Test(.timeLimit(.minutes(3))) func aPushStartsAPushPipeline() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-server-gl-\(UUID().uuidString.prefix(8))").path
        let repository = try TemporaryRepository.make()
        try repository.write(".gitlab-ci.yml", Self.pipeline)
        try repository.commitAll("ci")
        let sha = try String(contentsOfFile: repository.path + "/.git/refs/heads/main", encoding: .utf8).trimmingCharacters(
            in: .whitespacesAndNewlines)
        defer {
            repository.remove()
            try? FileManager.default.removeItem(atPath: data)
        }
        let server = try await ServerProcess.start(data)
        defer { server.process.kill9() }
        let project = try await ServerEndToEndTests.addProject(server, repository: repository.path)
        let push = try await server.push(repository: repository.path, sha: sha, delivery: "push-1", secret: ServerEndToEndTests.secret)
        #expect(push.status == 202, "\(push.body)")
        let runs = try await server.until("the push pipeline to finish", "/api/v1/runs?project=\(project)") { answer in
            (answer.array?.first?["conclusion"] as? String).map { !$0.isEmpty } ?? false
        }
        let run = try #require(runs.array?.first)
        #expect(run["event"] as? String == "push")
        #expect(run["conclusion"] as? String == "success", "\(runs.body)")
        let logs = try await server.request(.GET, "/api/v1/runs/\(run["id"] as? Int ?? 0)/logs")
        #expect(logs.body.contains("lint on push"))
        #expect(!logs.body.contains("deploy_canary"), "trigger-only jobs are not in a push pipeline")
        let pipeline = try await server.request(
            .GET, "/api/v4/projects/\(project)/pipelines/1", headers: [("PRIVATE-TOKEN", server.adminToken)])
        #expect(pipeline.object?["source"] as? String == "push")
        #expect(pipeline.object?["status"] as? String == "success")
    }

    @Test(.timeLimit(.minutes(4))) func retryAndCancelThroughGitLabsEndpoints() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-server-gl-\(UUID().uuidString.prefix(8))").path
        let flag = data + "-flag"
        let repository = try TemporaryRepository.make()
        try repository.write(
            ".gitlab-ci.yml",
            """
            flaky:
              script: ['test -f "\(flag)" || exit 3']
              rules:
                - if: $MODE == "flaky"
            slow:
              script: [sleep 120]
              rules:
                - if: $MODE == "slow"
            """)
        try repository.commitAll("ci")
        defer {
            repository.remove()
            try? FileManager.default.removeItem(atPath: data)
            try? FileManager.default.removeItem(atPath: flag)
        }
        let server = try await ServerProcess.start(data)
        defer { server.process.kill9() }
        let project = try await ServerEndToEndTests.addProject(server, repository: repository.path)
        let admin = [("PRIVATE-TOKEN", server.adminToken), ("Content-Type", "application/x-www-form-urlencoded")]
        let created = try await server.request(.POST, "/api/v4/projects/\(project)/triggers", headers: admin, body: "description=ci")
        let token = try #require(created.object?["token"] as? String)
        func trigger(_ mode: String) async throws -> Int {
            let answer = try await server.request(
                .POST, "/api/v4/projects/\(project)/trigger/pipeline", headers: [("Content-Type", "application/x-www-form-urlencoded")],
                body: "token=\(token)&ref=main&variables%5BMODE%5D=\(mode)")
            return try #require(answer.object?["id"] as? Int)
        }
        func status(_ id: Int, _ wanted: Set<String>) async throws -> String {
            let answer = try await server.until("pipeline \(id) to be \(wanted)", "/api/v4/projects/\(project)/pipelines/\(id)") {
                wanted.contains($0.object?["status"] as? String ?? "")
            }
            return answer.object?["status"] as? String ?? ""
        }
        let flaky = try await trigger("flaky")
        #expect(try await status(flaky, ["failed", "success"]) == "failed")
        // The job alone, through GitLab's job endpoint: it fails again (the flag is not there yet).
        let flakyJob = try #require(
            try await server.request(.GET, "/api/v4/projects/\(project)/pipelines/\(flaky)/jobs", headers: admin).array?.first?["id"]
                as? Int)
        let retriedJob = try await server.request(.POST, "/api/v4/projects/\(project)/jobs/\(flakyJob)/retry", headers: admin)
        #expect(retriedJob.status == 201, "\(retriedJob.body)")
        #expect(retriedJob.object?["status"] as? String == "pending")
        #expect(try await status(flaky, ["failed", "success"]) == "failed")
        try "ok".write(toFile: flag, atomically: true, encoding: .utf8)
        let retried = try await server.request(.POST, "/api/v4/projects/\(project)/pipelines/\(flaky)/retry", headers: admin)
        #expect(retried.status == 201, "\(retried.body)")
        #expect(try await status(flaky, ["success", "failed"]) == "success")
        let again = try await server.request(.POST, "/api/v4/projects/\(project)/pipelines/\(flaky)/retry", headers: admin)
        #expect(again.status == 400, "nothing left to retry")
        let succeeded = try await server.request(.POST, "/api/v4/projects/\(project)/jobs/\(flakyJob)/retry", headers: admin)
        #expect(succeeded.status == 403, "a successful job is not retryable here")

        let slow = try await trigger("slow")
        _ = try await server.until("the slow job to run", "/api/v4/projects/\(project)/pipelines/\(slow)") {
            ($0.object?["status"] as? String) == "running"
        }
        let cancel = try await server.request(.POST, "/api/v4/projects/\(project)/pipelines/\(slow)/cancel", headers: admin)
        #expect(cancel.status == 200, "\(cancel.body)")
        #expect(try await status(slow, ["canceled", "failed", "success"]) == "canceled")
        let jobs = try await server.request(.GET, "/api/v4/projects/\(project)/pipelines/\(slow)/jobs", headers: admin)
        #expect(jobs.array?.first?["status"] as? String == "canceled", "\(jobs.body)")
    }
}
