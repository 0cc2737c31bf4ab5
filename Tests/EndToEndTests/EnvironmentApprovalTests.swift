import Core
import Foundation
import SlipwayTesting
import Store
import Testing

/// Seed 000's promotion rules on workflows, through the `slipway` binary: QA ← main at once, PRE ← release/* after one
/// approval, PROD ← v* tags after two approvals from distinct reviewers (not the triggering user's own), a wait timer,
/// a rejection, a ref the policy refuses, environment secrets over the repository's, and a run whose process is
/// killed while it waits.
@Suite struct EnvironmentApprovalTests {
    static let slipway = SignalTests.slipway

    static let environments = """
        environments:
          qa:   {branches: [main]}
          pre:  {branches: ["release/*"], reviewers: [alice, bob], approvals: 1}
          prod: {tags: ["v*"], reviewers: [alice, bob, carol], approvals: 2, prevent-self-review: true,
                 wait-timer: 0.1, secrets-file: .secrets/prod.env, vars: {REGION: eu-prod}}
        """

    static let workflow = """
        on: push
        jobs:
          qa:
            if: github.ref == 'refs/heads/main'
            environment: qa
            runs-on: ubuntu-latest
            steps:
              - run: printf '%s|%s' "${{ secrets.TOKEN }}" "${{ vars.REGION }}" > "$OUT/qa.txt"; echo "qa has ${{ secrets.TOKEN }}"
          pre:
            if: startsWith(github.ref, 'refs/heads/release/')
            environment: pre
            runs-on: ubuntu-latest
            steps:
              - run: printf '%s' "${{ secrets.TOKEN }}" > "$OUT/pre.txt"
          prod:
            if: startsWith(github.ref, 'refs/tags/')
            environment:
              name: ${{ startsWith(github.ref, 'refs/tags/') && 'prod' || 'none' }}
              url: https://prod.example
            runs-on: ubuntu-latest
            steps:
              - run: |
                  printf '%s|%s|%s' "${{ secrets.TOKEN }}" "${{ vars.REGION }}" "${{ github.actor }}" > "$OUT/prod-${{ github.ref_name }}.txt"
                  echo "prod has ${{ secrets.TOKEN }}"
                  printf '%s' "${{ secrets.TOKEN }}" | base64
        """

    struct Fixture {
        let repo: TemporaryRepository
        let out: String
        let repositorySecret = "repo-secret-\(UUID().uuidString.prefix(8))"
        let prodSecret = "prod-secret-\(UUID().uuidString.prefix(8))"

        init() throws {
            repo = try TemporaryRepository.make()
            out = repo.path + "/.out"
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            try repo.write("slipway.yaml", EnvironmentApprovalTests.environments)
            try repo.write(".github/workflows/deploy.yml", EnvironmentApprovalTests.workflow)
            try repo.write(".gitignore", ".secrets/\n.out/\n.slipway/\n")
            try repo.write(".secrets/prod.env", "TOKEN=\(prodSecret)\n")
            try repo.commitAll("environments")
            try repo.git(["branch", "release/1.2"])
            for tag in ["v1.2.0", "v1.2.1", "x1.2.0"] { try repo.git(["tag", tag]) }
        }

        /// `slipway run` of a push to `ref`, started in the background.
        func start(_ ref: String, actor: String) async throws -> ChildProcess {
            try await ChildProcess.start(
                EnvironmentApprovalTests.slipway,
                ["run", "-C", repo.path, "--ref", ref, "--actor", actor, "-s", "TOKEN=\(repositorySecret)", "--env", "OUT=\(out)"],
                log: out + "/run-\(ref.split(separator: "/").last ?? "")-\(UUID().uuidString.prefix(4)).log")
        }

        func slipway(_ arguments: [String]) async throws -> CapturedCommand.Result {
            try await CapturedCommand.run(EnvironmentApprovalTests.slipway, arguments + ["-C", repo.path], timeout: .seconds(60))
        }

        func read(_ name: String) -> String? { try? String(contentsOfFile: out + "/" + name, encoding: .utf8) }
    }

    @Test(.timeLimit(.minutes(5))) func seedZeroPromotionRulesAcrossThreeEnvironments() async throws {
        let fixture = try Fixture()
        defer { fixture.repo.remove() }

        // QA: a push to main deploys at once, with the repository's secret (QA has none of its own).
        let qa = try await fixture.start("refs/heads/main", actor: "dana")
        #expect(try await qa.end(within: .seconds(120)) == .exited(0), "\(qa.output)")
        #expect(fixture.read("qa.txt") == "\(fixture.repositorySecret)|")

        // PRE: waits, visible as `waiting`; one approval from a reviewer lets it go on.
        let pre = try await fixture.start("refs/heads/release/1.2", actor: "dana")
        let preRun = try await pre.waitingRun()
        let listed = try await fixture.slipway(["runs"])
        #expect(
            listed.standardOutput.split(separator: "\n").contains { $0.hasPrefix(preRun + " ") && $0.contains("waiting") },
            "\(listed.standardOutput)")
        let approved = try await fixture.slipway(["approve", preRun, "--environment", "pre", "--as", "alice", "--comment", "ok"])
        #expect(approved.succeeded && approved.standardOutput.contains("deployment to pre approved"), "\(approved.standardError)")
        #expect(try await pre.end(within: .seconds(120)) == .exited(0), "\(pre.output)")
        #expect(fixture.read("pre.txt") == fixture.repositorySecret)

        // PROD: the triggering user's approval is refused; two distinct reviewers are needed; the wait timer holds the job.
        let prod = try await fixture.start("refs/tags/v1.2.0", actor: "alice")
        let prodRun = try await prod.waitingRun()
        let selfReview = try await fixture.slipway(["approve", prodRun, "--environment", "prod", "--as", "alice"])
        #expect(!selfReview.succeeded && selfReview.standardError.contains("prevents self-review"), "\(selfReview.standardError)")
        let stranger = try await fixture.slipway(["approve", prodRun, "--environment", "prod", "--as", "mallory"])
        #expect(!stranger.succeeded && stranger.standardError.contains("mallory is not a reviewer"), "\(stranger.standardError)")
        let first = try await fixture.slipway(["approve", prodRun, "--environment", "prod", "--as", "bob"])
        #expect(first.standardOutput.contains("still waiting (1 of 2 approvals)"), "\(first.standardOutput)")
        let again = try await fixture.slipway(["approve", prodRun, "--environment", "prod", "--as", "bob"])
        #expect(!again.succeeded && again.standardError.contains("bob has already approved"), "\(again.standardError)")
        #expect(!Leftovers.hasEnded(prod.pid), "one approval of two must not let PROD go on")
        #expect(fixture.read("prod-v1.2.0.txt") == nil)
        let second = try await fixture.slipway(["approve", prodRun, "--environment", "prod", "--as", "carol"])
        #expect(second.standardOutput.contains("deployment to prod approved"), "\(second.standardOutput)")
        #expect(try await prod.end(within: .seconds(120)) == .exited(0), "\(prod.output)")
        #expect(fixture.read("prod-v1.2.0.txt") == "\(fixture.prodSecret)|eu-prod|alice", "PROD's secret and variable win")
        let store = try RunStore(path: RunStore.path(forRepository: fixture.repo.path))
        let prodRecord = try #require(try store.run(Int64(prodRun) ?? 0))
        let prodJob = try #require(try store.jobs(ofRun: Int64(prodRun) ?? 0).first { $0.jobId == "prod" })
        #expect(prodJob.startedAt.timeIntervalSince(prodRecord.startedAt) >= 6, "a wait timer of 0.1 minutes holds the job 6 s")
        #expect(prodRecord.actor == "alice" && prodRecord.status == "completed" && prodRecord.result == "success")

        // A rejection fails the job, with who and why.
        let rejected = try await fixture.start("refs/tags/v1.2.1", actor: "alice")
        let rejectedRun = try await rejected.waitingRun()
        let no = try await fixture.slipway(["reject", rejectedRun, "--environment", "prod", "--as", "bob", "--comment", "not on a Friday"])
        #expect(no.standardOutput.contains("deployment to prod rejected"), "\(no.standardOutput)")
        #expect(try await rejected.end(within: .seconds(120)) == .exited(1))
        #expect(rejected.output.contains("The deployment to prod was rejected by bob: not on a Friday."), "\(rejected.output)")
        #expect(fixture.read("prod-v1.2.1.txt") == nil)

        // A tag outside PROD's policy fails with GitHub's message and asks nobody.
        let outside = try await fixture.start("refs/tags/x1.2.0", actor: "alice")
        #expect(try await outside.end(within: .seconds(120)) == .exited(1))
        #expect(
            outside.output.contains("Tag \"x1.2.0\" is not allowed to deploy to prod due to environment protection rules."),
            "\(outside.output)")
        #expect(!outside.output.contains("⏳"))

        // Neither secret reaches the logs, the store or the run's files, in plain text or base64.
        var everything = [qa, pre, prod, rejected, outside].map(\.output).joined()
        for file in FileManager.default.enumerator(atPath: fixture.repo.path + "/.slipway")?.compactMap({ $0 as? String }) ?? [] {
            if let data = FileManager.default.contents(atPath: fixture.repo.path + "/.slipway/" + file) {
                everything += String(decoding: data, as: UTF8.self)
            }
        }
        #expect(everything.contains("prod has ***"))
        for secret in [fixture.prodSecret, fixture.repositorySecret] {
            #expect(!everything.contains(secret))
            #expect(!everything.contains(Data(secret.utf8).base64EncodedString()))
        }
    }

    @Test(.timeLimit(.minutes(3))) func aRunKilledWhileWaitingIsEndedWithAReasonAndCannotBeApproved() async throws {
        let fixture = try Fixture()
        defer { fixture.repo.remove() }
        let pre = try await fixture.start("refs/heads/release/1.2", actor: "dana")
        let run = try await pre.waitingRun()
        pre.kill9()
        _ = try await pre.end(within: .seconds(30))
        let listed = try await fixture.slipway(["runs"])
        #expect(
            listed.standardOutput.split(separator: "\n").contains { $0.hasPrefix(run + " ") && $0.contains("failure") },
            "\(listed.standardOutput)")
        let store = try RunStore(path: RunStore.path(forRepository: fixture.repo.path))
        #expect(try store.run(Int64(run) ?? 0)?.endedReason?.contains("ended before the run did") == true)
        #expect(try store.deployments(ofRun: Int64(run) ?? 0).map(\.state) == [.abandoned])
        let late = try await fixture.slipway(["approve", run, "--environment", "pre", "--as", "alice"])
        #expect(!late.succeeded && late.standardError.contains("is not waiting for a review"), "\(late.standardError)")
        #expect(fixture.read("pre.txt") == nil, "nothing deployed")
    }

    @Test func aBadEnvironmentIsReportedWhereItIsByLintAndByRun() async throws {
        let repo = try TemporaryRepository.make()
        defer { repo.remove() }
        try repo.write(
            ".github/workflows/cd.yml",
            "on: push\njobs:\n  d:\n    environment: prod\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n")
        try repo.write("slipway.yaml", "environments:\n  prod: {reviewers: [alice], approvals: 2, wait-timer: -1}\n")
        try repo.commitAll("bad")
        let lint = try await CapturedCommand.run(
            "/bin/sh", ["-c", "cd \"$0\" && exec \"$1\" lint", repo.path, Self.slipway], timeout: .seconds(60))
        #expect(lint.status == "exited(2)", "\(lint)")
        #expect(
            lint.standardOutput.contains("slipway.yaml:2:41: approvals of \"prod\" is 2, more than its 1 reviewers could give"), "\(lint)")
        #expect(
            lint.standardOutput.contains("slipway.yaml:2:56: wait-timer must be a number of minutes from 0 to 43200, got -1"), "\(lint)")
        let run = try await CapturedCommand.run(Self.slipway, ["run", "-C", repo.path], timeout: .seconds(60))
        #expect(run.status == "exited(2)" && run.standardError.contains("slipway.yaml:2:41: approvals of \"prod\""), "\(run)")
        #expect(
            !FileManager.default.fileExists(atPath: repo.path + "/.slipway/slipway.sqlite"), "nothing recorded for a run that did not start"
        )
    }
}
