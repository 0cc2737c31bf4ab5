import ArgumentParser
import Foundation
import Releases
import Runner
import SlipwayTesting
import Store
import Testing

@testable import SlipwayCLI

/// The command line in process: what parses into which command, and the exit code each kind of failure gives —
/// 0 done, 1 a failure (a failed run, a refused gate decision), 2 invalid input (workflows, dispatch inputs), 3 a
/// local target that is not running, 64 a command line that does not parse or validate.
@Suite struct CommandLineTests {
    /// Parses and runs `arguments` as `slipway` would; answers the exit code.
    func exitCode(_ arguments: [String]) async -> Int32 {
        do {
            var command = try SlipwayMain.parseAsRoot(arguments)
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
            return 0
        } catch {
            return SlipwayMain.exitCode(for: error).rawValue
        }
    }

    @Test func argumentsParseIntoTheirCommands() throws {
        let run = try #require(
            try SlipwayMain.parseAsRoot([
                "run", "workflow_dispatch", "--input", "env=qa", "-j", "build", "-C", "/repo",
                "--secret", "TOKEN=x", "--dry-run",
            ]) as? RunCommand)
        #expect(
            run.event == "workflow_dispatch" && run.inputs == ["env=qa"] && run.job == "build" && run.directory == "/repo" && run.dryRun)
        let request = try run.request()
        #expect(request.repositoryRoot == "/repo" && request.inputs == ["env": "qa"] && request.secrets == ["TOKEN": "x"] && request.dryRun)
        let promote = try #require(
            try SlipwayMain.parseAsRoot(["rollout", "promote", "my-app", "--as", "alice", "--reason", "ok"])
                as? RolloutCommand.Promote)
        #expect(promote.decision.application == "my-app" && promote.decision.actor == "alice" && promote.decision.reason == "ok")
        let holds = try #require(try SlipwayMain.parseAsRoot(["gitops", "holds"]) as? GitOpsHoldsCommand.List, "holds lists by default")
        #expect(holds.application == nil && !holds.all)
        let remove = try #require(
            try SlipwayMain.parseAsRoot(["gitops", "holds", "remove", "my-app", "abc123", "--reason", "fixed"])
                as? GitOpsHoldsCommand.Remove)
        #expect(remove.revision == "abc123" && remove.reason == "fixed")
    }

    @Test func helpSaysWhatSlipwayIsAndPointsAtTheDemo() {
        let help = SlipwayMain.helpMessage().split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(help.contains("from git push to a verified canary"), "\(help)")
        #expect(help.contains("`slipway up`"))
        #expect(!help.contains("run workflows locally, render and edit kustomizations"), "the introduction from before the engine")
    }

    @Test func aCommandLineThatDoesNotParseOrValidateIs64() async {
        #expect(await exitCode(["run", "--no-such-flag"]) == 64)
        #expect(await exitCode(["no-such-command"]) == 64)
        #expect(await exitCode(["up", "--rate", "0"]) == 64)
        #expect(await exitCode(["up", "--prometheus", "not a url"]) == 64)
        #expect(await exitCode(["gitops", "holds", "remove", "my-app", "abc123", "--reason", "  "]) == 64)
        #expect(await exitCode(["gitops", "holds", "remove", "my-app", "abc123"]) == 64, "a hold is lifted with a reason")
        #expect(await exitCode(["action", "docker/unknown-action"]) == 64)
    }

    @Test func workflowsAndRunsGiveTheirExitCodes() async throws {
        let repo = try TemporaryRepository.make()
        defer { repo.remove() }
        try repo.write(
            ".github/workflows/ci.yml",
            """
            on:
              push:
              workflow_dispatch:
                inputs:
                  level: {type: choice, options: [low, high], required: true}
            jobs:
              ok:
                runs-on: ubuntu-latest
                steps:
                  - run: echo fine
              broken:
                if: github.event_name == 'push'
                runs-on: ubuntu-latest
                steps:
                  - run: exit 3
            """)
        try repo.commitAll("workflows")
        #expect(await exitCode(["lint", repo.path + "/.github/workflows"]) == 0)
        #expect(await exitCode(["run", "-C", repo.path, "--job", "ok"]) == 0)
        #expect(await exitCode(["run", "-C", repo.path]) == 1, "a failed job fails the run")
        #expect(
            await exitCode(["run", "-C", repo.path, "workflow_dispatch", "--input", "level=medium"]) == 2, "an input outside its choices")
        #expect(await exitCode(["run", "-C", repo.path, "--secret", "GITHUB_TOKEN=x"]) == 2, "secrets may not be named GITHUB_*")
        #expect(await exitCode(["run", "-C", repo.path, "--workspace", "elsewhere"]) == 2)
        #expect(await exitCode(["run", "-C", repo.path + "/missing"]) == 2)

        try repo.write(".github/workflows/bad.yml", "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ''\n")
        #expect(await exitCode(["lint", repo.path + "/.github/workflows"]) == 2)
        #expect(await exitCode(["lint", repo.path + "/no-such-directory"]) == 2)
    }

    @Test func gateDecisionsAndTheLocalTargetGiveTheirExitCodes() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-cli-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(await exitCode(["rollout", "promote", "my-app", "--store", root + "/none.sqlite"]) == 1, "no store: nothing to decide")
        _ = try DeliveryStore(path: root + "/delivery.sqlite")
        #expect(await exitCode(["rollout", "abort", "my-app", "--store", root + "/delivery.sqlite"]) == 1, "no release in progress")
        #expect(await exitCode(["release", "list", "--store", root + "/delivery.sqlite"]) == 0)
        #expect(await exitCode(["release", "show", "7", "--store", root + "/delivery.sqlite"]) == 1)
        #expect(await exitCode(["gitops", "holds", "--store", root + "/delivery.sqlite"]) == 0)
        #expect(await exitCode(["gitops", "holds", "remove", "my-app", "abc", "--reason", "x", "--store", root + "/delivery.sqlite"]) == 1)
        #expect(await exitCode(["local", "status", "--data-dir", root + "/no-target"]) == 3)
    }

    @Test func holdsAreListedAndLiftedWithAReason() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-cli-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = try DeliveryStore(path: root + "/delivery.sqlite")
        let revision = "0123456789abcdef0123456789abcdef01234567"
        try store.addHold(
            DeliveryStore.HoldRow(
                application: "my-app", revision: revision, reason: "release #3 rolled back", releaseId: 3,
                createdAt: 1_800_000_000))
        #expect(await exitCode(["gitops", "holds", "my-app", "--store", root + "/delivery.sqlite"]) == 0)
        #expect(
            await exitCode(["gitops", "holds", "remove", "my-app", "fff", "--reason", "x", "--store", root + "/delivery.sqlite"]) == 1,
            "no hold on a revision starting with fff")
        #expect(
            await exitCode([
                "gitops", "holds", "remove", "my-app", "0123456", "--reason", "fixed upstream", "--as", "erin",
                "--store", root + "/delivery.sqlite",
            ]) == 0)
        #expect(try store.holds(application: "my-app").isEmpty)
        let lifted = try #require(try store.holds(application: "my-app", includeRemoved: true).first)
        #expect(lifted.removedBy == "erin" && lifted.removedReason == "fixed upstream" && lifted.revision == revision)
        #expect(await exitCode(["gitops", "holds", "--all", "--store", root + "/delivery.sqlite"]) == 0)
    }
}
