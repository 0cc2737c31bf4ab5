import Core
import Foundation
import NIOHTTP1
import SlipwayTesting
import Store
import Testing

@testable import Releases

/// Promotion through the server's API: the digests QA's release verified go to PRE's overlay after PRE's reviewer
/// approves the promotion's run; an aborted release is refused at once.
@Suite struct ServerPromotionTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../..").standardizedFileURL.path
    static let digest = "127.0.0.1:5000/my-app@sha256:" + String(repeating: "cd", count: 32)

    @Test(.timeLimit(.minutes(3))) func aPromotionWaitsForItsReviewerThenCommitsTheVerifiedDigest() async throws {
        let (data, repository, _) = try ServerEndToEndTests.setUp(workflow: "on: workflow_dispatch\njobs: {}\n")
        let gitops = data + "-gitops.git"
        defer {
            repository.remove()
            try? FileManager.default.removeItem(atPath: data)
            try? FileManager.default.removeItem(atPath: gitops)
            try? FileManager.default.removeItem(atPath: gitops + "-src")
        }
        let source = gitops + "-src"
        try FileManager.default.copyItem(atPath: Self.repositoryRoot + "/Examples/slipway-up/gitops", toPath: source)
        let git = Git(directory: source)
        _ = try await git.run(["init", "-q", "-b", "main"])
        _ = try await git.run(["add", "-A"])
        _ = try await git.run(["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "overlays"])
        _ = try await Git(directory: source).run(["clone", "-q", "--bare", source, gitops])
        var config = "applications:\n"
        for environment in ["qa", "pre"] {
            config += """
                - name: my-app-\(environment)
                  repository: \(gitops)
                  path: overlays/\(environment)/my-app
                  target: elsewhere
                  environment: \(environment)

                """
        }
        config += "environments:\n  qa: {}\n  pre: {reviewers: [admin]}\n"
        try repository.write("slipway.yaml", config)
        try repository.commitAll("applications")

        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        let log = ReleaseLog(store: try DeliveryStore(path: data + "/delivery.sqlite"))
        func release(_ succeeded: Bool) throws -> Int64 {
            var release = try log.create(
                Release(
                    id: 0, application: "my-app-qa", environment: "qa", namespace: "qa", canary: "my-app", revision: "abc1234",
                    images: ["127.0.0.1:5000/my-app:abc"], previousImages: [], stepCount: 1, startedAt: Date()),
                entries: [])
            release.state = succeeded ? .succeeded : .aborted(reason: "analysis failed")
            release.message = succeeded ? "promoted" : "analysis failed"
            release.verifiedDigests = [Self.digest]
            try log.save(release, entries: [])
            return release.id
        }
        let verified = try release(true)
        let aborted = try release(false)

        let server = try await ServerProcess.start(data)
        defer { server.process.kill9() }
        let project = try await ServerEndToEndTests.addProject(server, repository: repository.path)
        let refused = try await server.request(
            .POST, "/api/v1/projects/\(project)/promotions", body: #"{"application":"my-app","to":"pre","release":\#(aborted)}"#)
        #expect(refused.status == 409 && refused.body.contains("only a release whose canary succeeded is promoted"), "\(refused.body)")

        let started = try await server.request(
            .POST, "/api/v1/projects/\(project)/promotions", body: #"{"application":"my-app","to":"pre","release":\#(verified)}"#)
        #expect(started.status == 202, "\(started.body)")
        #expect(
            (started.object?["digests"] as? [String]) == [Self.digest] && started.object?["target_application"] as? String == "my-app-pre")
        let run = started.object?["run_id"] as? Int ?? 0
        _ = try await server.until("the promotion to wait for PRE's reviewer", "/api/v1/runs/\(run)") { answer in
            answer.object?["status"] as? String == "waiting"
        }
        #expect(try await Git(directory: gitops).run(["log", "--oneline", "main"]).split(separator: "\n").count == 1)
        let approved = try await server.request(
            .POST, "/api/v1/runs/\(run)/pending_deployments", body: #"{"environment":"pre","state":"approved","comment":"ok"}"#)
        #expect(approved.status == 200, "\(approved.body)")
        let done = try await server.until("the promotion to finish", "/api/v1/runs/\(run)") { answer in
            answer.object?["status"] as? String == "completed"
        }
        #expect(done.object?["conclusion"] as? String == "success", "\(done.body)")
        let overlay = try await Git(directory: gitops).run(["show", "main:overlays/pre/my-app/kustomization.yaml"])
        #expect(overlay.contains("digest: sha256:" + String(repeating: "cd", count: 32)), "\(overlay)")
        let message = try await Git(directory: gitops).run(["log", "-1", "--format=%B", "main"])
        #expect(message.contains("Promoted from release #\(verified) of my-app-qa") && message.contains("Slipway-Promoted-By: admin"))
    }
}
