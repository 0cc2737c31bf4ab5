import Core
import Foundation
import SlipwayTesting
import Testing

/// `slipway gitlab run|lint` as users call them: one JSON object with GitLab's statuses, exit 0 for success and for
/// manual jobs left waiting, 1 for a failed pipeline, 2 for an invalid file; the pipeline in `slipway runs`.
@Suite struct GitLabCommandTests {
    static let slipway = CommandOutputTests.slipway

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func runPrintsGitLabStatusesAndRecordsThePipeline() async throws {
        let repo = try TemporaryRepository.make()
        defer { repo.remove() }
        try repo.write(
            ".gitlab-ci.yml",
            """
            stages: [build, deploy, promote]
            build:
              stage: build
              script: [echo "built $CI_COMMIT_SHORT_SHA for $CI_PIPELINE_SOURCE"]
            deploy:
              stage: deploy
              script: [echo "deploy $IMAGE_TAG"]
              rules:
                - if: $CI_PIPELINE_SOURCE == "trigger" && $IMAGE_TAG
            promote:
              stage: promote
              script: [echo promote]
              rules:
                - if: $CI_PIPELINE_SOURCE == "trigger"
                  when: manual
            """)
        try repo.commitAll("ci")
        let push = try await CapturedCommand.run(Self.slipway, ["gitlab", "run", "--json", "-C", repo.path], timeout: .seconds(120))
        #expect(push.succeeded, "\(push.standardError)")
        let pushed = try Self.json(push.standardOutput)
        #expect(pushed["status"] as? String == "success")
        #expect((pushed["jobs"] as? [[String: Any]])?.map { $0["name"] as? String } == ["build"])

        let trigger = try await CapturedCommand.run(
            Self.slipway, ["gitlab", "run", "--json", "--source", "trigger", "--variable", "IMAGE_TAG=abc123", "-C", repo.path],
            timeout: .seconds(120))
        #expect(trigger.succeeded, "manual jobs left waiting are no failure: \(trigger.standardError)")
        let triggered = try Self.json(trigger.standardOutput)
        #expect(triggered["status"] as? String == "manual")
        let jobs = try #require(triggered["jobs"] as? [[String: Any]])
        #expect(jobs.map { "\($0["name"] ?? "")=\($0["status"] ?? "")" } == ["build=success", "deploy=success", "promote=manual"])
        #expect(jobs.last?["allow_failure"] as? Bool == false)

        let runs = try await CapturedCommand.run(Self.slipway, ["runs", "-C", repo.path], timeout: .seconds(60))
        #expect(runs.standardOutput.contains("trigger"), "\(runs.standardOutput)")
    }

    @Test func failuresAndInvalidFilesHaveTheirExitCodes() async throws {
        let repo = try TemporaryRepository.make()
        defer { repo.remove() }
        try repo.write(".gitlab-ci.yml", "test:\n  script: [exit 4]\n")
        try repo.commitAll("ci")
        let failed = try await CapturedCommand.run(Self.slipway, ["gitlab", "run", "--json", "-C", repo.path], timeout: .seconds(120))
        #expect(failed.status == "exited(1)", "\(failed.status)")
        let result = try Self.json(failed.standardOutput)
        #expect(result["status"] as? String == "failed")
        #expect((result["jobs"] as? [[String: Any]])?.first?["exit_code"] as? Int == 4)

        try repo.write(".gitlab-ci.yml", "test:\n  script: [true]\n  when: never\n")
        let lint = try await CapturedCommand.run(Self.slipway, ["gitlab", "lint", "-C", repo.path], timeout: .seconds(60))
        #expect(!lint.succeeded)
        #expect(
            lint.standardError.contains(".gitlab-ci.yml:3:9: jobs:test when:never can only be used in a rules section or workflow:rules"))
        let run = try await CapturedCommand.run(Self.slipway, ["gitlab", "run", "-C", repo.path], timeout: .seconds(60))
        #expect(run.status == "exited(2)", "\(run.status)")

        try repo.write(".gitlab-ci.yml", "workflow:\n  rules:\n    - if: $CI_PIPELINE_SOURCE == \"web\"\ntest:\n  script: [true]\n")
        let skipped = try await CapturedCommand.run(Self.slipway, ["gitlab", "run", "--json", "-C", repo.path], timeout: .seconds(60))
        #expect(skipped.succeeded)
        let none = try Self.json(skipped.standardOutput)
        #expect(none["status"] as? String == "skipped")
        #expect((none["jobs"] as? [Any])?.isEmpty == true)
    }

    static func statuses(_ output: String) throws -> [String] {
        let object = try json(output)
        let jobs = try #require(object["jobs"] as? [[String: Any]])
        return ["pipeline=\(object["status"] ?? "")"] + jobs.map { "\($0["name"] ?? "")=\($0["status"] ?? "")" }
    }

    @Test func playRetryAndCancelGoOnWithARecordedPipeline() async throws {
        let repo = try TemporaryRepository.make()
        defer { repo.remove() }
        let flag = repo.path + "/.flag-outside-the-worktrees"
        try repo.write(
            ".gitlab-ci.yml",
            """
            stages: [deploy, promote, cleanup]
            deploy:
              stage: deploy
              script: [echo deployed > state.txt]
              artifacts: {paths: [state.txt]}
            flaky:
              stage: deploy
              allow_failure: true
              script: ['test -f "\(flag)" || exit 7']
            promote:
              stage: promote
              script: [cat state.txt]
              rules:
                - when: manual
            cleanup:
              stage: cleanup
              script: [echo cleanup]
            """)
        try repo.commitAll("ci")
        func slipway(_ arguments: [String]) async throws -> CapturedCommand.Result {
            try await CapturedCommand.run(Self.slipway, ["gitlab"] + arguments + ["-C", repo.path], timeout: .seconds(120))
        }
        let first = try await slipway(["run", "--json"])
        #expect(
            try Self.statuses(first.standardOutput) == [
                "pipeline=manual", "deploy=success", "flaky=failed", "promote=manual", "cleanup=created",
            ])
        let played = try await slipway(["play", "1", "promote", "--json"])
        #expect(played.succeeded, "\(played.standardError)")
        #expect(
            try Self.statuses(played.standardOutput) == [
                "pipeline=success", "deploy=success", "flaky=failed", "promote=success", "cleanup=success",
            ])
        let again = try await slipway(["play", "1", "promote"])
        #expect(!again.succeeded)
        #expect(again.standardError.contains("promote cannot be played: promote is success (only manual jobs can)"))
        try "ok".write(toFile: flag, atomically: true, encoding: .utf8)
        let retried = try await slipway(["retry", "1", "--json"])
        #expect(
            try Self.statuses(retried.standardOutput) == [
                "pipeline=success", "deploy=success", "flaky=success", "promote=success", "cleanup=success",
            ])
        let logs = try await CapturedCommand.run(
            "/bin/sh", ["-c", "cd \"$0\" && exec \"$1\" logs 1", repo.path, Self.slipway], timeout: .seconds(60))
        #expect(logs.standardOutput.contains("deployed"), "promote read deploy's artifact after the play")

        let second = try await slipway(["run", "--json"])
        let id = try #require(try Self.json(second.standardOutput)["id"] as? Int)
        let canceled = try await slipway(["cancel", String(id), "--json"])
        #expect(canceled.status == "exited(1)")
        #expect(
            try Self.statuses(canceled.standardOutput) == [
                "pipeline=canceled", "deploy=success", "flaky=success", "promote=canceled", "cleanup=canceled",
            ])
    }

    @Test func jobsHaveSlipwaysYQOnTheirPath() async throws {
        let repo = try TemporaryRepository.make()
        defer { repo.remove() }
        try repo.write(
            "k8s/deployment.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  template:\n    metadata:\n      labels:\n        app: app\n"
        )
        try repo.write(
            ".gitlab-ci.yml",
            """
            render:
              script:
                - |
                  cat k8s/deployment.yaml | \\
                  yq e '.metadata.name = "app-canary"' - | \\
                  yq e '.spec.template.metadata.labels.version = "canary"' - > out.yaml
                - test "$(yq e '.metadata.name' out.yaml)" = app-canary
                - yq -i '.spec.replicas = 3' out.yaml
                - yq e '.spec.replicas' out.yaml
                - cat out.yaml
            """)
        try repo.commitAll("ci")
        let run = try await CapturedCommand.run(Self.slipway, ["gitlab", "run", "-C", repo.path], timeout: .seconds(120))
        #expect(run.succeeded, "\(run.standardOutput)")
        #expect(run.standardOutput.contains("[render]         version: canary"), "\(run.standardOutput)")
        #expect(run.standardOutput.contains("[render]   replicas: 3"))
    }
}
