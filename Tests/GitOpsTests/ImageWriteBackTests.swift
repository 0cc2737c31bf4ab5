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

    /// Twenty writers, each with its own cache (as separate CI runners have): on one machine the shared lock
    /// directory serialises them, so every push lands first time.
    @Test func twentyWritersWithSeparateCachesOnOneMachineAllLandFirstTime() async throws {
        let fixture = try await Fixture.make(overlays: 20)
        defer { fixture.remove() }
        let outcomes = try await Self.writeConcurrently(fixture, count: 20) { index in
            ImageWriteBack(cacheRoot: fixture.root + "/cache-\(index)", lockDirectory: fixture.root + "/locks")
        }
        try await Self.expectEveryWriterLanded(fixture, outcomes: outcomes)
        #expect(outcomes.allSatisfy { if case .committed(_, 1, _) = $0 { true } else { false } }, "\(outcomes)")
    }

    /// Twenty writers as on twenty machines (separate caches and lock directories): pushes collide, and fetch, rebase
    /// and jittered retry until the deadline still land every one.
    @Test func twentyWritersOnSeparateMachinesAllLandUnderContention() async throws {
        let fixture = try await Fixture.make(overlays: 20)
        defer { fixture.remove() }
        let outcomes = try await Self.writeConcurrently(fixture, count: 20) { index in
            ImageWriteBack(cacheRoot: fixture.root + "/cache-\(index)", lockDirectory: fixture.root + "/locks-\(index)")
        }
        try await Self.expectEveryWriterLanded(fixture, outcomes: outcomes)
        let retried = outcomes.filter { if case .committed(_, let attempts, _) = $0 { attempts > 1 } else { false } }
        #expect(!retried.isEmpty, "twenty unserialised writers must have collided at least once")
    }

    /// A push the remote refuses for another reason than a race (a hook, permissions) fails at once with the
    /// remote's words: fetching and trying again cannot change it.
    @Test func aPushRefusedByTheRemoteFailsAtOnceWithItsReason() async throws {
        let fixture = try await Fixture.make(overlays: 1)
        defer { fixture.remove() }
        let hook = fixture.bare + "/hooks/pre-receive"
        try "#!/bin/sh\necho main is frozen >&2\nexit 1\n".write(toFile: hook, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: hook)
        let writer = ImageWriteBack(cacheRoot: fixture.root + "/cache", lockDirectory: fixture.root + "/locks")
        let started = ContinuousClock.now
        do {
            _ = try await writer.apply(.init(repository: fixture.bare, branch: "main", path: "overlays/env-0/app", images: ["my-app:v2"]))
            Issue.record("a push the remote refuses must fail")
        } catch let error as WriteBackError {
            #expect(error.description.contains("push to main refused") && error.description.contains("main is frozen"), "\(error)")
        }
        #expect(ContinuousClock.now - started < .seconds(30), "no retrying until the deadline")
        #expect(try await fixture.log() == ["seed"])
    }

    @Test(arguments: [
        (" ! [rejected]        HEAD -> main (fetch first)", true),
        (" ! [rejected]        HEAD -> main (non-fast-forward)", true),
        ("error: cannot lock ref 'refs/heads/main': is at 1234 but expected 5678", true),
        (" ! [remote rejected] HEAD -> main (pre-receive hook declined)", false),
        ("remote: Permission to acme/gitops.git denied to bot.", false),
        (" ! [remote rejected] HEAD -> main (protected branch hook declined)", false),
    ])
    func onlyRacesAreRetried(_ output: String, _ retried: Bool) {
        #expect(PushRetry.isRace(output) == retried)
    }

    @Test(arguments: [
        ("https://GitHub.com/acme/gitops.git", "github.com/acme/gitops"),
        ("https://user:token@github.com:443/acme/gitops/", "github.com/acme/gitops"),
        ("git@github.com:acme/gitops.git", "github.com/acme/gitops"),
        ("ssh://git@github.com/acme/gitops", "github.com/acme/gitops"),
        ("http://gitea.local:3000/acme/gitops.git", "gitea.local:3000/acme/gitops"),
        ("file:///srv/git/gitops.git", "/srv/git/gitops.git"),
        ("/srv/git/../git/gitops.git", "/srv/git/gitops.git"),
    ])
    func repositoriesNamedDifferentlyShareOneIdentity(_ spelling: String, _ identity: String) {
        #expect(RepositoryIdentity.normalised(spelling) == identity)
    }

    static func writeConcurrently(
        _ fixture: Fixture, count: Int, writer: @escaping @Sendable (Int) -> ImageWriteBack
    ) async throws -> [ImageWriteBack.Outcome] {
        try await withThrowingTaskGroup(of: ImageWriteBack.Outcome.self) { group in
            for index in 0..<count {
                group.addTask {
                    try await writer(index).apply(
                        .init(
                            repository: fixture.bare, branch: "main", path: "overlays/env-\(index)/app",
                            images: ["my-app=ghcr.io/acme/my-app:sha-\(index)"], runID: "run-\(index)"))
                }
            }
            var all: [ImageWriteBack.Outcome] = []
            for try await outcome in group { all.append(outcome) }
            return all
        }
    }

    static func expectEveryWriterLanded(_ fixture: Fixture, outcomes: [ImageWriteBack.Outcome]) async throws {
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
        let writer = ImageWriteBack(cacheRoot: fixture.root + "/cache", lockDirectory: fixture.root + "/locks")
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
        let writer = ImageWriteBack(cacheRoot: fixture.root + "/cache", lockDirectory: fixture.root + "/locks")
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
