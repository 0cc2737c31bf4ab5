import Core
import Foundation
import SlipwayTesting
import Store
import Testing

@testable import Releases

/// `slipway promote`: the digest a release verified in QA goes to PRE and then PROD by GitOps commits naming the
/// source release, each after the target environment's approvals (recorded as runs, reviewed with `slipway approve`);
/// the release records link into one chain; an aborted release is never promoted.
@Suite struct PromotionTests {
    static let slipway = SignalTests.slipway
    static let digest = "127.0.0.1:5000/my-app@sha256:" + String(repeating: "ab", count: 32)

    struct Fixture {
        let root: String
        let app: TemporaryRepository
        var gitops: String { root + "/gitops.git" }
        var store: String { root + "/delivery.sqlite" }

        init() async throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-promote-\(UUID().uuidString.prefix(8))").path
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            try FileManager.default.copyItem(
                atPath: SignalTests.repositoryRoot + "/Examples/slipway-up/gitops", toPath: root + "/gitops-src")
            let source = Git(directory: root + "/gitops-src")
            try await source.run(["init", "-q", "-b", "main"])
            try await source.run(["add", "-A"])
            try await source.run(["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "overlays"])
            try await Git(directory: root).run(["clone", "-q", "--bare", root + "/gitops-src", root + "/gitops.git"])
            app = try TemporaryRepository.make()
            var text = "applications:\n"
            for environment in ["qa", "pre", "prod"] {
                text += """
                    - name: my-app-\(environment)
                      repository: \(root)/gitops.git
                      path: overlays/\(environment)/my-app
                      namespace: my-app-\(environment)
                      environment: \(environment)

                    """
            }
            text += """
                environments:
                  qa:   {branches: [main]}
                  pre:  {branches: ["release/*"], reviewers: [alice, bob], approvals: 1}
                  prod: {tags: ["v*"], reviewers: [alice, bob, carol], approvals: 2, prevent-self-review: true}

                """
            try app.write("slipway.yaml", text)
            try app.write(".gitignore", ".slipway/\n")
            try app.commitAll("environments")
        }

        func remove() {
            app.remove()
            try? FileManager.default.removeItem(atPath: root)
        }

        /// A finished release of `application` at `revision`: succeeded with the digest its canary ran, or aborted.
        func release(_ application: String, _ environment: String, revision: String, succeeded: Bool) throws -> Int64 {
            let log = ReleaseLog(store: try DeliveryStore(path: store))
            var release = try log.create(
                Release(
                    id: 0, application: application, environment: environment, namespace: application, canary: "my-app",
                    revision: revision, images: ["127.0.0.1:5000/my-app:abc12345"], previousImages: [], stepCount: 3, startedAt: Date()),
                entries: [TimelineEntry(at: Date(), kind: .step, summary: "release started")])
            release.state = succeeded ? .succeeded : .aborted(reason: "canary success rate 41 % below 95 %")
            release.message = succeeded ? "promoted" : "canary success rate 41 % below 95 %"
            release.verifiedDigests = [PromotionTests.digest]
            try log.save(release, entries: [])
            return release.id
        }

        func start(_ arguments: [String]) async throws -> ChildProcess {
            try await ChildProcess.start(
                PromotionTests.slipway, ["promote", "my-app", "-C", app.path, "--store", store] + arguments,
                log: root + "/promote-\(UUID().uuidString.prefix(6)).log")
        }

        func slipway(_ arguments: [String]) async throws -> CapturedCommand.Result {
            try await CapturedCommand.run(PromotionTests.slipway, arguments + ["-C", app.path], timeout: .seconds(60))
        }

        func gitops(_ arguments: [String]) async throws -> String {
            try await Git(directory: gitops).run(arguments)
        }
    }

    @Test(.timeLimit(.minutes(3))) func theVerifiedDigestGoesFromQAToPREToPRODAfterEachApproval() async throws {
        let fixture = try await Fixture()
        defer { fixture.remove() }
        let qa = try fixture.release("my-app-qa", "qa", revision: String(repeating: "1", count: 40), succeeded: true)
        let aborted = try fixture.release("my-app-qa", "qa", revision: String(repeating: "2", count: 40), succeeded: false)

        // The latest QA release was aborted: it is not promoted, and nothing is committed.
        let refused = try await fixture.slipway(["promote", "my-app", "--to", "pre", "--store", fixture.store, "--as", "dana"])
        #expect(!refused.succeeded, "\(refused.standardOutput)")
        #expect(
            refused.standardError.contains("release #\(aborted) of my-app-qa is Aborted")
                && refused.standardError.contains("only a release whose canary succeeded is promoted"), "\(refused.standardError)")
        let untouched = try await fixture.gitops(["log", "--oneline", "main"])
        #expect(untouched.split(separator: "\n").count == 1)

        // QA's verified release goes to PRE after one approval.
        let toPre = try await fixture.start(["--to", "pre", "--release", "\(qa)", "--as", "dana"])
        let preRun = try await toPre.waitingRun()
        #expect(try await fixture.gitops(["log", "--oneline", "main"]).split(separator: "\n").count == 1, "nothing before the approval")
        let approved = try await fixture.slipway(["approve", preRun, "--environment", "pre", "--as", "bob"])
        #expect(approved.succeeded, "\(approved.standardError)")
        #expect(try await toPre.end(within: .seconds(60)) == .exited(0), "\(toPre.output)")
        let preOverlay = try await fixture.gitops(["show", "main:overlays/pre/my-app/kustomization.yaml"])
        #expect(
            preOverlay.contains("digest: sha256:" + String(repeating: "ab", count: 32))
                && preOverlay.contains("newName: 127.0.0.1:5000/my-app"))
        let preCommit = try await fixture.gitops(["log", "-1", "--format=%H%n%B", "main"])
        let preRevision = String(preCommit.prefix(40))
        #expect(
            preCommit.contains("Promoted from release #\(qa) of my-app-qa") && preCommit.contains("Slipway-Promoted-From: release \(qa)"))

        // The release PRE's sync starts from that commit verifies the same digest; PROD needs two reviewers, not the
        // promoter.
        let pre = try fixture.release("my-app-pre", "pre", revision: preRevision, succeeded: true)
        let toProd = try await fixture.start(["--to", "prod", "--as", "alice"])
        let prodRun = try await toProd.waitingRun()
        let own = try await fixture.slipway(["approve", prodRun, "--environment", "prod", "--as", "alice"])
        #expect(!own.succeeded && own.standardError.contains("prevents self-review"))
        _ = try await fixture.slipway(["approve", prodRun, "--environment", "prod", "--as", "bob"])
        #expect(!Leftovers.hasEnded(toProd.pid), "one approval of two")
        _ = try await fixture.slipway(["approve", prodRun, "--environment", "prod", "--as", "carol"])
        #expect(try await toProd.end(within: .seconds(60)) == .exited(0), "\(toProd.output)")
        let prodOverlay = try await fixture.gitops(["show", "main:overlays/prod/my-app/kustomization.yaml"])
        #expect(prodOverlay.contains("digest: sha256:" + String(repeating: "ab", count: 32)))
        let prodCommit = try await fixture.gitops(["log", "-1", "--format=%H%n%B", "main"])
        #expect(prodCommit.contains("Promoted from release #\(pre) of my-app-pre") && prodCommit.contains("Slipway-Promoted-By: alice"))
        let prod = try fixture.release("my-app-prod", "prod", revision: String(prodCommit.prefix(40)), succeeded: true)

        // One chain: commit → QA → PRE → PROD, from any of its releases.
        let shown = try await CapturedCommand.run(
            Self.slipway, ["release", "show", "\(pre)", "--store", fixture.store], timeout: .seconds(60))
        #expect(
            shown.standardOutput.contains(
                "chain: 1111111 → #\(qa) my-app-qa (qa, Succeeded) → #\(pre) my-app-pre (pre, Succeeded) → #\(prod) my-app-prod (prod, Succeeded)"
            ),
            "\(shown.standardOutput)")
        // The promotions are runs of the app repository, each with who approved.
        let runs = try await fixture.slipway(["runs"])
        #expect(runs.standardOutput.contains("promote my-app to prod") && runs.standardOutput.contains("promote my-app to pre"))
    }

    @Test func aRejectedPromotionCommitsNothing() async throws {
        let fixture = try await Fixture()
        defer { fixture.remove() }
        let qa = try fixture.release("my-app-qa", "qa", revision: String(repeating: "1", count: 40), succeeded: true)
        let toPre = try await fixture.start(["--to", "pre", "--release", "\(qa)", "--as", "dana"])
        let run = try await toPre.waitingRun()
        _ = try await fixture.slipway(["reject", run, "--environment", "pre", "--as", "alice", "--comment", "QA is not done"])
        #expect(try await toPre.end(within: .seconds(60)) == .exited(1))
        #expect(toPre.output.contains("The promotion to pre was rejected by alice: QA is not done."), "\(toPre.output)")
        #expect(try await fixture.gitops(["log", "--oneline", "main"]).split(separator: "\n").count == 1)
    }
}
