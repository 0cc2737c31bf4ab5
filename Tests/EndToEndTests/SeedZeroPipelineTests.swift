import Core
import Foundation
import Manifests
import Testing

/// Seed 000 from `git push` to the GitOps commit, through the `slipway` binary: CI (Go tests with `-race` on
/// Go 1.23 from the tool cache, coverage uploaded as an artifact, image tags computed) and, started by its
/// completion through `workflow_run`, CD (checkout of the GitOps repository, `kustomize edit set image`, commit,
/// push). Only the AWS and registry steps are adapted (Examples/seed-000/app/.github/workflows).
@Suite(.serialized) struct SeedZeroPipelineTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../..").standardizedFileURL.path
    /// `swift build --build-tests` (scripts/test) builds the executable into .build/debug; SLIPWAY_BINARY overrides.
    static let slipway = ProcessInfo.processInfo.environment["SLIPWAY_BINARY"] ?? (repositoryRoot + "/.build/debug/slipway")
    static let token = "ghp_SeedZeroGitOpsToken0123456789"

    struct Sandbox {
        let root: String
        var app: String { root + "/app" }
        var gitops: String { root + "/gitops-config.git" }

        init() async throws {
            root = NSTemporaryDirectory() + "slipway-seed000-" + UUID().uuidString
            let fm = FileManager.default
            try fm.createDirectory(atPath: root, withIntermediateDirectories: true)
            try fm.copyItem(atPath: repositoryRoot + "/Examples/seed-000/gitops", toPath: root + "/gitops-src")
            try fm.copyItem(atPath: repositoryRoot + "/Examples/seed-000/app", toPath: app)
            let identity = [
                "GIT_AUTHOR_NAME": "Dev", "GIT_AUTHOR_EMAIL": "dev@example.com",
                "GIT_COMMITTER_NAME": "Dev", "GIT_COMMITTER_EMAIL": "dev@example.com",
            ]
            for directory in [root + "/gitops-src", app] {
                let git = Git(directory: directory)
                try await git.run(["init", "-q", "-b", "main"])
                try await git.run(["add", "-A"])
                try await git.run(["commit", "-q", "-m", "initial"], environment: identity)
            }
            try await Git(directory: root).run(["clone", "-q", "--bare", root + "/gitops-src", gitops])
        }

        func remove() { try? FileManager.default.removeItem(atPath: root) }
    }

    struct Outcome {
        var exitSucceeded: Bool
        var output: String
        var records: [[String: Any]]
    }

    static func runPush(in sandbox: Sandbox) async throws -> Outcome {
        let result = try await CapturedCommand.run(
            "bash",
            [
                "-c",
                "cd \"$1\" && exec \"$2\" run push --ref refs/heads/main --json --repo-map my-org/gitops-config=\"$3\" --secret "
                    + "GITOPS_TOKEN=\"$4\"",
                "slipway", sandbox.app, slipway, sandbox.gitops, token,
            ],
            timeout: .seconds(600))
        let records = (try? JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8))) as? [[String: Any]] ?? []
        return Outcome(exitSucceeded: result.succeeded, output: result.standardOutput + result.standardError, records: records)
    }

    @Test func pushToMainRunsCIThenCDAndCommitsTheNewTag() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.slipway), "build the slipway executable first (scripts/test does)")
        let sandbox = try await Sandbox()
        defer { sandbox.remove() }
        let outcome = try await Self.runPush(in: sandbox)
        #expect(outcome.exitSucceeded, "\(outcome.output.suffix(4000))")

        // CI ran on the push; its completion started CD through workflow_run.
        let byName = Dictionary(outcome.records.map { (($0["workflowName"] as? String) ?? "", $0) }) { first, _ in first }
        let ci = try #require(byName["CI - Build and Push"])
        let cd = try #require(byName["CD - Update GitOps"])
        #expect(ci["event"] as? String == "push")
        #expect(ci["result"] as? String == "success")
        #expect(cd["event"] as? String == "workflow_run")
        #expect(cd["result"] as? String == "success")
        let ciJobs = (ci["jobs"] as? [[String: Any]]) ?? []
        let build = try #require(ciJobs.first { $0["jobID"] as? String == "build-and-push" })
        let head = try await Git(directory: sandbox.app).run(["rev-parse", "HEAD"])
        let short = String(head.prefix(8))
        #expect((build["outputs"] as? [String: String])?["image-tag"] == short)

        // The coverage report is an artifact of the CI run, as `go test -race -coverprofile` wrote it.
        let runID = try #require(ci["runID"] as? Int)
        let coverage = sandbox.app + "/.slipway/artifacts/\(runID)/coverage-report/files/coverage.out"
        let report = try String(contentsOfFile: coverage, encoding: .utf8)
        #expect(report.hasPrefix("mode: atomic"))
        #expect(report.contains("example.com/my-app/internal/greeting/greeting.go"))

        // CD committed and pushed the new tag to the QA overlay of the GitOps repository.
        let gitops = Git(directory: sandbox.gitops)
        let message = try await gitops.run(["log", "-1", "--format=%B", "main"])
        #expect(message.hasPrefix("chore(deploy): update my-app to \(short)"))
        #expect(message.contains("Environment: qa"))
        let overlay = try await gitops.run(["show", "main:overlays/qa/my-app/kustomization.yaml"])
        // A short SHA of digits only (or one reading as a number) is quoted, as kustomize writes it.
        #expect(overlay.contains("newTag: \(short)\n") || overlay.contains("newTag: \"\(short)\"\n"))
        let clone = sandbox.root + "/verify"
        try await Git(directory: sandbox.root).run(["clone", "-q", sandbox.gitops, clone])
        let rendered = try await Kustomizer().build(directory: clone + "/overlays/qa/my-app").yaml()
        #expect(rendered.contains("image: 123456789012.dkr.ecr.us-west-2.amazonaws.com/my-app:\(short)"))
        let preOverlay = try await gitops.run(["show", "main:overlays/pre/my-app/kustomization.yaml"])
        #expect(!preOverlay.contains(short), "only QA follows main")

        // The GitOps token never reached the logs, the run store or the artifacts, in any encoding.
        let encodings = [Self.token, Data(Self.token.utf8).base64EncodedString()]
        for relative in (FileManager.default.enumerator(atPath: sandbox.app + "/.slipway")?.allObjects as? [String]) ?? [] {
            guard let data = FileManager.default.contents(atPath: sandbox.app + "/.slipway/" + relative) else { continue }
            for encoding in encodings {
                #expect(data.range(of: Data(encoding.utf8)) == nil, "\(relative) holds the token")
            }
        }
        #expect(!outcome.output.contains(Self.token))

        // Pushing the same commit again changes nothing in the GitOps repository.
        let before = try await gitops.run(["rev-parse", "main"])
        let again = try await Self.runPush(in: sandbox)
        #expect(again.exitSucceeded, "\(again.output.suffix(4000))")
        #expect(try await gitops.run(["rev-parse", "main"]) == before)
        #expect(again.output.contains("无变更,跳过提交"))
    }
}
