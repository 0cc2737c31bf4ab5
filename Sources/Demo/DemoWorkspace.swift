import Core
import Foundation
import Images
import OCI

/// `slipway up`'s workspace: the application repository (`app.git`, bare, as a Git server holds it: the demo's server
/// builds what is pushed there) and the developer's clone of it (`app/`), the GitOps repository (`gitops-config.git`),
/// `slipway.yaml` declaring the QA application, the server's data, the registry's storage and Slipway's caches. Created
/// on first use, reused afterwards.
struct DemoWorkspace {
    let root: String

    var app: String { root + "/app" }
    var origin: String { root + "/app.git" }
    var server: String { root + "/server" }
    var gitops: String { root + "/gitops-config.git" }
    var config: String { root + "/slipway.yaml" }
    var registry: String { root + "/registry" }
    var cache: String { root + "/cache" }
    static let application = "my-app-qa"
    static let namespace = "my-app-qa"

    static let developer = [
        "GIT_AUTHOR_NAME": "Dev", "GIT_AUTHOR_EMAIL": "dev@my-app.example",
        "GIT_COMMITTER_NAME": "Dev", "GIT_COMMITTER_EMAIL": "dev@my-app.example",
    ]

    /// The workspace at `root`, with both repositories; `created` says whether they were made now.
    static func prepare(at root: String, prometheus: String?) async throws -> (workspace: DemoWorkspace, created: Bool) {
        let workspace = DemoWorkspace(root: root)
        let fm = FileManager.default
        let complete =
            fm.fileExists(atPath: workspace.app + "/.git") && fm.fileExists(atPath: workspace.gitops + "/HEAD")
            && fm.fileExists(atPath: workspace.config)
        if !complete {
            if fm.fileExists(atPath: root), !((try? fm.contentsOfDirectory(atPath: root)) ?? []).isEmpty {
                throw SlipwayUp.Failure(
                    description: "\(root) exists but is not a complete demo workspace; remove it or choose another with --workspace")
            }
            try await workspace.create(prometheus: prometheus)
        } else {
            try await workspace.useAnalysis(prometheus: prometheus)
        }
        try await workspace.ensureOrigin()
        return (workspace, !complete)
    }

    /// The application's Git server (`app.git`) and `app/` as its clone, so `git push` in `app/` delivers; made empty
    /// for a new workspace (its first push is the first build) and for one from before the server built the demo.
    func ensureOrigin() async throws {
        if !FileManager.default.fileExists(atPath: origin + "/HEAD") {
            try await Git(directory: root).run(["init", "-q", "--bare", "-b", "main", origin])
        }
        let git = Git(directory: app)
        if (try? await git.run(["remote", "get-url", "origin"])) == nil {
            try await git.run(["remote", "add", "origin", origin])
        } else {
            try await git.run(["remote", "set-url", "origin", origin])
        }
        try await git.run(["config", "branch.main.remote", "origin"])
        try await git.run(["config", "branch.main.merge", "refs/heads/main"])
    }

    /// Whether the Git server has main at the clone's HEAD already (nothing to push).
    func originHasHead() async -> Bool {
        guard let head = try? await Git(directory: app).run(["rev-parse", "HEAD"]),
            let pushed = try? await Git(directory: origin).run(["rev-parse", "--verify", "-q", "refs/heads/main"])
        else { return false }
        return head == pushed
    }

    /// `git push origin main` from the developer's clone; the server's hook in `app.git` tells it at once.
    func push() async throws {
        try await Git(directory: app).run(["push", "-q", "origin", "main"])
    }

    private func create(prometheus: String?) async throws {
        let fm = FileManager.default
        // Built in a scratch directory and moved into place, so an interrupted set-up never leaves half a workspace.
        let scratch = root + ".partial-\(getpid())"
        try? fm.removeItem(atPath: scratch)
        try fm.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? fm.removeItem(atPath: scratch) }
        try DemoResources.copy("app", to: scratch + "/app")
        try await Self.initialise(scratch + "/app", message: "my-app: a greeting behind busybox httpd")
        try DemoResources.copy("gitops", to: scratch + "/gitops-src")
        if prometheus != nil {
            try Self.write(["base/my-app/canary.yaml": try DemoResources.canary(prometheus: prometheus)], into: scratch + "/gitops-src")
        }
        try await Self.initialise(scratch + "/gitops-src", message: "my-app: base, canary strategy and the qa, pre and prod overlays")
        try await Git(directory: scratch).run(["clone", "-q", "--bare", scratch + "/gitops-src", scratch + "/gitops-config.git"])
        try fm.removeItem(atPath: scratch + "/gitops-src")
        try DemoResources.text("slipway.yaml").write(toFile: scratch + "/slipway.yaml", atomically: true, encoding: .utf8)
        try? fm.removeItem(atPath: root)
        try fm.createDirectory(atPath: FilePathText.parent(of: root), withIntermediateDirectories: true)
        try fm.moveItem(atPath: scratch, toPath: root)
    }

    /// A reused workspace keeps its history; only the Canary's analysis provider follows `--prometheus`, through a
    /// GitOps commit like any other change of desired state.
    private func useAnalysis(prometheus: String?) async throws {
        let wanted = try DemoResources.canary(prometheus: prometheus)
        let path = "base/my-app/canary.yaml"
        let current = try? await Git(directory: gitops).run(["show", "main:" + path])
        guard current.map({ $0 + "\n" }) != wanted else { return }
        let clone = cache + "/gitops-edit-\(getpid())"
        try? FileManager.default.removeItem(atPath: clone)
        defer { try? FileManager.default.removeItem(atPath: clone) }
        try await Git(directory: root).run(["clone", "-q", gitops, clone])
        try wanted.write(toFile: clone + "/" + path, atomically: true, encoding: .utf8)
        let git = Git(directory: clone)
        try await git.run(
            [
                "commit", "-qam",
                prometheus.map { "my-app: analyse canaries with Prometheus at \($0)" }
                    ?? "my-app: analyse canaries with the local target's metrics",
            ],
            environment: Self.developer)
        try await git.run(["push", "-q", "origin", "HEAD:main"])
    }

    /// Commits files to the application's main branch as the developer would; answers the commit.
    func commitApplication(_ files: [String: String], message: String) async throws -> String {
        try Self.write(files, into: app)
        let git = Git(directory: app)
        try await git.run(["add", "-A"])
        try await git.run(["commit", "-q", "--allow-empty", "-m", message], environment: Self.developer)
        return try await git.run(["rev-parse", "HEAD"])
    }

    /// The base image the application's Dockerfile starts from: the host's busybox, imported once.
    func ensureBaseImage() throws {
        let store = try ImageStore(root: ImageStore.defaultRoot)
        let reference = try ImageReference(parsing: DemoResources.baseImage)
        if (try? store.resolve(reference)) != nil { return }
        let rootfs = cache + "/busybox-rootfs"
        try? FileManager.default.removeItem(atPath: rootfs)
        defer { try? FileManager.default.removeItem(atPath: rootfs) }
        try BusyboxRoot.make(at: rootfs)
        var config = ImageConfig.ContainerConfig()
        config.cmd = ["/bin/sh"]
        _ = try ImageImporter(store: store).importImage(from: rootfs, tag: reference, config: config)
    }

    static func write(_ files: [String: String], into directory: String) throws {
        for (path, text) in files {
            let file = directory + "/" + path
            try FileManager.default.createDirectory(atPath: FilePathText.parent(of: file), withIntermediateDirectories: true)
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            if path.hasSuffix(".cgi") || path.hasSuffix(".sh") { chmod(file, 0o755) }
        }
    }

    static func initialise(_ directory: String, message: String) async throws {
        let git = Git(directory: directory)
        try await git.run(["init", "-q", "-b", "main"])
        try await git.run(["add", "-A"])
        try await git.run(["commit", "-q", "-m", message], environment: developer)
    }
}
