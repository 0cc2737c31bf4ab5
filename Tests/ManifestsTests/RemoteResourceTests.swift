import Core
import Foundation
import Testing

@testable import Manifests

/// Remote bases: kustomize's URL grammar, checkouts cached by commit, offline use, and containment.
@Suite struct RemoteResourceTests {
    @Test(
        arguments: [
            ("https://github.com/org/repo//deploy/base?ref=v1.2.0", "https://github.com/org/repo", "deploy/base", "v1.2.0"),
            ("github.com/org/repo/deploy/base?ref=main", "https://github.com/org/repo", "deploy/base", "main"),
            ("github.com/org/repo?version=v2", "https://github.com/org/repo", "", "v2"),
            ("git@github.com:org/repo.git/deploy?ref=abc", "git@github.com:org/repo.git", "deploy", "abc"),
            ("ssh://git@github.com/org/repo//deploy", "git@github.com:org/repo", "deploy", nil),
            ("ssh://git@gitlab.example.com:2222/group/repo.git//k8s", "ssh://git@gitlab.example.com:2222/group/repo.git", "k8s", nil),
            (
                "https://gitlab.example.com/group/sub/repo.git/k8s/app?ref=v1", "https://gitlab.example.com/group/sub/repo.git", "k8s/app",
                "v1"
            ),
            ("https://dev.azure.com/org/project/_git/repo/path?ref=x", "https://dev.azure.com/org/project/_git/repo", "path", "x"),
            ("git::https://example.com/org/repo//p?ref=r&version=ignored", "https://example.com/org/repo", "p", "r"),
            ("file:///srv/git/platform.git//apps/web?ref=v1.0.0", "file:///srv/git/platform.git", "apps/web", "v1.0.0"),
            ("file:///srv/git/platform.git", "file:///srv/git/platform.git", "", nil),
        ] as [(String, String, String, String?)])
    func parsesKustomizeURLForms(_ entry: String, _ cloneURL: String, _ path: String, _ ref: String?) throws {
        let spec = try #require(RemoteSpec.parse(entry)).get()
        #expect(spec.cloneURL == cloneURL)
        #expect(spec.path == path)
        #expect(spec.ref == ref)
    }

    @Test func localPathsAreNotRemote() {
        for entry in ["../base", "base/app", "deployment.yaml", "/abs/dir", "./github", "overlays/qa/my-app"] {
            #expect(RemoteSpec.parse(entry) == nil, "\(entry)")
        }
    }

    @Test func queryOptionsFollowKustomize() throws {
        let spec = try #require(RemoteSpec.parse("https://h.example/o/r//p?timeout=90&submodules=false")).get()
        #expect(spec.timeout == .seconds(90))
        #expect(!spec.submodules)
        let duration = try #require(RemoteSpec.parse("https://h.example/o/r//p?timeout=1m30s&submodules=bogus")).get()
        #expect(duration.timeout == .seconds(90))
        #expect(duration.submodules)
        let invalid = try #require(RemoteSpec.parse("https://h.example/o/r//p?timeout=-3")).get()
        #expect(invalid.timeout == RemoteSpec.defaultTimeout)
    }

    @Test func malformedReferencesAreClearErrors() throws {
        guard case .failure(let error) = try #require(RemoteSpec.parse("file:///srv/git/platform")) else {
            Issue.record("a file:// URL without a repository marker must not parse")
            return
        }
        #expect(error.description.contains("file:///srv/git/platform"))
        guard case .failure(let scrubbed) = try #require(RemoteSpec.parse("https://u:hunter2@h.example/only")) else {
            Issue.record("a URL with one path segment must not parse")
            return
        }
        #expect(!scrubbed.description.contains("hunter2"))
        guard case .failure(let file) = try #require(RemoteSpec.parse("https://raw.example.com/org/repo/main/app.yaml")) else {
            Issue.record("a plain HTTP file must be refused, not cloned")
            return
        }
        #expect(file.description.contains("plain HTTP file resources are not supported"))
    }

    // MARK: - Fetching

    /// A repository with a kustomization at `app/`, one commit per call to `commit`.
    struct Repository {
        let root: String
        var url: String { "file://" + root + "/origin.git" }

        init() async throws {
            root = NSTemporaryDirectory() + "slipway-remote-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: root + "/work/app", withIntermediateDirectories: true)
            try await Git(directory: root + "/work").run(["init", "-q", "-b", "main"])
            try await Git(directory: root).run(["init", "-q", "--bare", "-b", "main", "origin.git"])
        }

        /// Commits `app/` with a ConfigMap whose data is `value`, pushes, and returns the commit.
        @discardableResult
        func commit(_ value: String, tag: String? = nil, extra: [String: String] = [:]) async throws -> String {
            let files = [
                "kustomization.yaml": "resources:\n- cm.yaml\n" + (extra["kustomization"] ?? ""),
                "cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  value: \(value)\n",
            ]
            for (name, text) in files { try text.write(toFile: root + "/work/app/" + name, atomically: true, encoding: .utf8) }
            let git = Git(directory: root + "/work")
            let identity = ["GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"]
            try await git.run(["add", "-A"])
            try await git.run(["commit", "-q", "-m", value], environment: identity)
            if let tag { try await git.run(["tag", tag]) }
            try await git.run(["push", "-q", "--tags", root + "/origin.git", "main"])
            return try await git.run(["rev-parse", "HEAD"])
        }

        func overlay(_ resource: String) throws -> String {
            let directory = root + "/overlay-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try "resources:\n- \(resource)\n".write(toFile: directory + "/kustomization.yaml", atomically: true, encoding: .utf8)
            return directory
        }

        func remove() { try? FileManager.default.removeItem(atPath: root) }
    }

    static func kustomizer(cache: String, refresh: Duration = .seconds(60)) -> Kustomizer {
        Kustomizer(options: .init(remoteCacheDirectory: cache, remoteRefreshInterval: refresh))
    }

    @Test func pinnedCommitsAreServedFromTheCacheWithoutTheRepository() async throws {
        let repository = try await Repository()
        defer { repository.remove() }
        let commit = try await repository.commit("one")
        let overlay = try repository.overlay(repository.url + "//app?ref=" + commit)
        let cache = repository.root + "/cache"
        let first = try await Self.kustomizer(cache: cache).build(directory: overlay)
        #expect(try first.yaml().contains("value: one"))
        try FileManager.default.removeItem(atPath: repository.root + "/origin.git")
        let second = try await Self.kustomizer(cache: cache).build(directory: overlay)
        #expect(try second.yaml() == (try first.yaml()))
        #expect(second.warnings.isEmpty)
        // The checkout holds the files only: no .git naming the URL.
        let checkouts = try FileManager.default.subpathsOfDirectory(atPath: cache)
        #expect(checkouts.contains { $0.hasSuffix(commit + "/app/cm.yaml") })
        #expect(!checkouts.contains { $0.contains("/.git/") })
    }

    @Test func branchesAreRefetchedAndInvalidateCachedRenders() async throws {
        let repository = try await Repository()
        defer { repository.remove() }
        try await repository.commit("one")
        let overlay = try repository.overlay(repository.url + "//app?ref=main")
        let kustomizer = Self.kustomizer(cache: repository.root + "/cache", refresh: .zero)
        #expect(try await kustomizer.build(directory: overlay).yaml().contains("value: one"))
        try await repository.commit("two")
        #expect(try await kustomizer.build(directory: overlay).yaml().contains("value: two"))
        // Within the refresh interval the resolved commit is trusted: no fetch per build.
        let patient = Self.kustomizer(cache: repository.root + "/cache", refresh: .seconds(3600))
        #expect(try await patient.build(directory: overlay).yaml().contains("value: two"))
        try await repository.commit("three")
        #expect(try await patient.build(directory: overlay).yaml().contains("value: two"))
    }

    @Test func anUnreachableRepositoryFallsBackToTheLastFetchWithAWarning() async throws {
        let repository = try await Repository()
        defer { repository.remove() }
        try await repository.commit("one", tag: "v1")
        let overlay = try repository.overlay(repository.url + "//app?ref=v1")
        let cache = repository.root + "/cache"
        _ = try await Self.kustomizer(cache: cache).build(directory: overlay)
        try FileManager.default.removeItem(atPath: repository.root + "/origin.git")
        let offline = try await Self.kustomizer(cache: cache).build(directory: overlay)
        #expect(try offline.yaml().contains("value: one"))
        #expect(offline.warnings.contains { $0.contains("could not fetch") && $0.contains("v1") })
        // Never fetched before: a clear error naming the kustomization, the entry and git's reason.
        let fresh = repository.root + "/fresh-cache"
        do {
            _ = try await Self.kustomizer(cache: fresh).build(directory: overlay)
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains(overlay + "/kustomization.yaml"))
            #expect(error.description.contains("resources[0]"))
            #expect(error.description.contains("does not appear to be a git repository"))
        }
    }

    @Test func credentialsInURLsNeverReachMessages() async throws {
        let overlay = NSTemporaryDirectory() + "slipway-remote-credentials-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: overlay) }
        try FileManager.default.createDirectory(atPath: overlay, withIntermediateDirectories: true)
        let secret = "s3cr%2Ft-t0ken"
        try "resources:\n- https://deploy:\(secret)@127.0.0.1:9/org/repo//app?ref=v1&timeout=5\n"
            .write(toFile: overlay + "/kustomization.yaml", atomically: true, encoding: .utf8)
        do {
            _ = try await Self.kustomizer(cache: overlay + "/cache").build(directory: overlay)
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("deploy:***@127.0.0.1"))
            #expect(!error.description.contains("s3cr"))
        }
    }

    @Test func aRemoteBaseCannotReadOutsideItsRepository() async throws {
        let repository = try await Repository()
        defer { repository.remove() }
        let outside = repository.root + "/outside.yaml"
        try "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: stolen\n".write(toFile: outside, atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: repository.root + "/work/app/link.yaml", withDestinationPath: outside)
        try await repository.commit("one", extra: ["kustomization": "- link.yaml\n"])
        let overlay = try repository.overlay(repository.url + "//app")
        // Even with the load restrictor off, the checkout is the boundary.
        let kustomizer = Kustomizer(
            options: .init(restrictFilesToRoot: false, remoteCacheDirectory: repository.root + "/cache"))
        do {
            _ = try await kustomizer.build(directory: overlay)
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("outside the remote repository"))
        }
    }

    @Test func buildsAGitURLDirectly() async throws {
        let repository = try await Repository()
        defer { repository.remove() }
        try await repository.commit("direct", tag: "v9")
        let output = try await Self.kustomizer(cache: repository.root + "/cache").build(directory: repository.url + "//app?ref=v9")
        #expect(try output.yaml() == "apiVersion: v1\ndata:\n  value: direct\nkind: ConfigMap\nmetadata:\n  name: settings\n")
    }
}
