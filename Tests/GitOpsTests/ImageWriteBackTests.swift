import Core
import Foundation
import Testing

@testable import GitOps

/// Image write-back against real git repositories on this machine.
@Suite struct ImageWriteBackTests {
    struct Fixture {
        let root: String
        let bare: String

        /// A bare repository whose `main` holds `count` overlays `overlays/env-N/app`.
        static func make(overlays count: Int) async throws -> Fixture {
            let root = FileManager.default.temporaryDirectory.appendingPathComponent("writeback-\(UUID().uuidString)").path
            let seed = root + "/seed"
            try FileManager.default.createDirectory(atPath: seed, withIntermediateDirectories: true)
            for index in 0..<count {
                let directory = seed + "/overlays/env-\(index)/app"
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                let text = """
                    # overlay \(index)
                    apiVersion: kustomize.config.k8s.io/v1beta1
                    kind: Kustomization
                    resources:
                    - ../../../base
                    images:
                    - name: my-app
                      newTag: old

                    """
                try Data(text.utf8).write(to: URL(fileURLWithPath: directory + "/kustomization.yaml"))
            }
            let git = Git(directory: seed)
            try await git.run(["init", "--quiet", "--initial-branch=main"])
            try await git.run(["add", "."])
            try await git.run(["commit", "--quiet", "-m", "seed"], environment: ImageWriteBack.identity)
            try await Git(directory: root).run(["clone", "--quiet", "--bare", seed, root + "/gitops.git"])
            return Fixture(root: root, bare: root + "/gitops.git")
        }

        func log() async throws -> [String] {
            try await Git(directory: bare).run(["log", "--format=%s", "main"]).split(separator: "\n").map(String.init)
        }

        func file(_ path: String) async throws -> String {
            try await Git(directory: bare).run(["show", "main:" + path])
        }

        func remove() { try? FileManager.default.removeItem(atPath: root) }
    }

    @Test func twentyConcurrentWritersAllLandAsOneCommitEach() async throws {
        let fixture = try await Fixture.make(overlays: 20)
        defer { fixture.remove() }
        // Two groups with separate caches race each other on push, so the fetch–rebase–retry path is exercised
        // as well as the serialisation inside each group.
        let groups = [fixture.root + "/cache-a", fixture.root + "/cache-b"]
        let outcomes = try await withThrowingTaskGroup(of: ImageWriteBack.Outcome.self) { group in
            for index in 0..<20 {
                group.addTask {
                    let writer = ImageWriteBack(cacheRoot: groups[index % 2], maxAttempts: 30)
                    return try await writer.apply(
                        .init(
                            repository: fixture.bare, branch: "main", path: "overlays/env-\(index)/app",
                            images: ["my-app=ghcr.io/acme/my-app:sha-\(index)"], runID: "run-\(index)"))
                }
            }
            var all: [ImageWriteBack.Outcome] = []
            for try await outcome in group { all.append(outcome) }
            return all
        }
        #expect(outcomes.count == 20)
        #expect(outcomes.allSatisfy { if case .committed = $0 { true } else { false } })
        let log = try await fixture.log()
        #expect(log.count == 21, "seed + one commit per writer, got \(log)")
        for index in 0..<20 {
            let text = try await fixture.file("overlays/env-\(index)/app/kustomization.yaml")
            #expect(text.hasSuffix("newName: ghcr.io/acme/my-app\n  newTag: sha-\(index)"), "overlay \(index): \(text)")
            #expect(log.contains("env-\(index): set image my-app to ghcr.io/acme/my-app:sha-\(index)"))
        }
        let body = try await Git(directory: fixture.bare).run(["log", "-1", "--format=%B", "main"])
        #expect(body.contains("Slipway-Run: run-"))
    }

    @Test func unchangedImagesAreSkippedAndNothingIsCommitted() async throws {
        let fixture = try await Fixture.make(overlays: 1)
        defer { fixture.remove() }
        let writer = ImageWriteBack(cacheRoot: fixture.root + "/cache")
        let request = ImageWriteBack.Request(
            repository: fixture.bare, branch: "main", path: "overlays/env-0/app", images: ["my-app:v2"],
            environment: "qa")
        guard case .committed(_, let attempts, _) = try await writer.apply(request) else {
            Issue.record("the first write must commit")
            return
        }
        #expect(attempts == 1)
        #expect(try await writer.apply(request) == .unchanged)
        #expect(try await fixture.log() == ["qa: set image my-app to my-app:v2", "seed"])
        let text = try await fixture.file("overlays/env-0/app/kustomization.yaml")
        #expect(text.hasPrefix("# overlay 0\napiVersion"))
    }

    @Test func badArgumentsAndMissingOverlaysFailWithoutCommitting() async throws {
        let fixture = try await Fixture.make(overlays: 1)
        defer { fixture.remove() }
        let writer = ImageWriteBack(cacheRoot: fixture.root + "/cache")
        await #expect(throws: WriteBackError.self) {
            try await writer.apply(.init(repository: fixture.bare, branch: "main", path: "overlays/env-0/app", images: ["nginx"]))
        }
        await #expect(throws: WriteBackError.self) {
            try await writer.apply(.init(repository: fixture.bare, branch: "main", path: "overlays/nope/app", images: ["a:1"]))
        }
        await #expect(throws: WriteBackError.self) {
            try await writer.apply(.init(repository: fixture.root + "/missing.git", branch: "main", path: "x", images: ["a:1"]))
        }
        #expect(try await fixture.log() == ["seed"])
    }
}
