import Core
import Foundation
import Manifests
import SlipwayTesting
import TargetKit
import Targets
import Testing

/// Seed 000's promotion rules deploying to the local target: one CD workflow whose deploy job names the environment
/// its ref routes to (QA ← main, PRE ← release/*, PROD ← v*), writes the image into that environment's overlay of the
/// GitOps repository, and `slipway gitops sync` rolls it out. QA deploys at once, PRE after one approval, PROD only
/// after two approvals from distinct reviewers (not the one who pushed the tag) and its wait timer; a rejection and a
/// tag outside PROD's policy change nothing.
struct EnvironmentDeploymentTests {
    static let environments = """
        environments:
          qa:   {branches: [main]}
          pre:  {branches: ["release/*"], reviewers: [alice, bob], approvals: 1}
          prod: {tags: ["v*"], reviewers: [alice, bob, carol], approvals: 2, prevent-self-review: true, wait-timer: 0.1}
        """

    static let workflow = """
        name: CD
        on:
          push:
            branches: [main, "release/*"]
            tags: ["v*", "x*"]
        concurrency:
          group: deploy-${{ github.ref }}
          cancel-in-progress: false
        jobs:
          build:
            runs-on: ubuntu-latest
            outputs:
              tag: ${{ steps.tag.outputs.tag }}
            steps:
              - id: tag
                run: |
                  case "$GITHUB_REF" in
                    refs/heads/main) echo "tag=main" >> "$GITHUB_OUTPUT" ;;
                    refs/heads/release/*) echo "tag=rc" >> "$GITHUB_OUTPUT" ;;
                    *) echo "tag=$GITHUB_REF_NAME" >> "$GITHUB_OUTPUT" ;;
                  esac
          deploy:
            needs: build
            runs-on: ubuntu-latest
            environment:
              name: ${{ github.ref == 'refs/heads/main' && 'qa' || startsWith(github.ref, 'refs/heads/release/') && 'pre' || 'prod' }}
              url: http://my-app.localhost
            steps:
              - uses: imranismail/setup-kustomize@v2
              - run: |
                  echo "deploying at $(date +%s.%N)"
                  case "$GITHUB_REF" in refs/heads/main) env=qa ;; refs/heads/release/*) env=pre ;; *) env=prod ;; esac
                  git clone -q "$GITOPS" gitops
                  cd "gitops/overlays/$env"
                  kustomize edit set image "web=local/web:${{ needs.build.outputs.tag }}"
                  git -c user.name=ci -c user.email=ci@example.com commit -qam "deploy ${{ needs.build.outputs.tag }} to $env"
                  git push -q origin HEAD:main
        """

    @Test(.timeLimit(.minutes(6))) func qaPreAndProdDeployUnderTheirRules() async throws {
        if let reason = LocalCluster.unavailableReason {
            Issue.record(Comment(rawValue: reason))
            return
        }
        let sandbox = try CLISandbox("environments")
        defer { sandbox.remove() }
        let base = try sandbox.webRoot()
        for tag in ["main", "rc", "v1.2.0"] {
            let imported = try await sandbox.slipway([
                "image", "import", "--tag", "local/web:\(tag)", "--cmd", "httpd -f -p 8080 -h /www", base,
            ])
            #expect(imported.succeeded, "\(imported.standardError)")
        }
        let up = try await sandbox.localUp(bridgePrefix: "sen")
        #expect(up.succeeded, "\(up.standardError)")
        do {
            try await exercise(sandbox)
        } catch {
            _ = try? await sandbox.slipway(["local", "down"])
            throw error
        }
        #expect(try await sandbox.slipway(["local", "down"]).succeeded)
    }

    func exercise(_ sandbox: CLISandbox) async throws {
        let root = sandbox.root
        let gitops = "\(root)/gitops.git"
        try await Self.gitopsRepository(root: root)
        let app = "\(root)/app"
        try FileManager.default.createDirectory(atPath: "\(app)/.github/workflows", withIntermediateDirectories: true)
        try Self.workflow.write(toFile: "\(app)/.github/workflows/cd.yml", atomically: true, encoding: .utf8)
        var config = "applications:\n"
        for environment in ["qa", "pre", "prod"] {
            config += """
                - name: my-app-\(environment)
                  repository: \(gitops)
                  path: overlays/\(environment)
                  namespace: my-app-\(environment)
                  environment: \(environment)

                """
        }
        try (config + Self.environments + "\n").write(toFile: "\(app)/slipway.yaml", atomically: true, encoding: .utf8)
        try ".slipway/\n".write(toFile: "\(app)/.gitignore", atomically: true, encoding: .utf8)
        let git = Git(directory: app)
        _ = try await git.run(["init", "-q", "-b", "main"])
        _ = try await git.run(["add", "-A"])
        _ = try await git.run(["-c", "user.name=dana", "-c", "user.email=d@example.com", "commit", "-qm", "app"])
        _ = try await git.run(["branch", "release/1.2"])
        for tag in ["v1.2.0", "v1.2.1", "x1.2.0"] { _ = try await git.run(["tag", tag]) }

        func run(_ ref: String, actor: String) async throws -> ChildProcess {
            try await ChildProcess.start(
                LocalCommandTests.slipway, ["run", "-C", app, "--ref", ref, "--actor", actor, "--env", "GITOPS=\(gitops)"],
                environment: sandbox.environment, log: "\(root)/run-\(UUID().uuidString.prefix(6)).log")
        }
        func slipway(_ arguments: [String]) async throws -> CapturedCommand.Result { try await sandbox.slipway(arguments) }
        func overlay(_ environment: String) async throws -> String {
            try await Git(directory: gitops).run(["show", "main:overlays/\(environment)/kustomization.yaml"])
        }
        let connection = try LocalTargetConnection(dataDirectory: "\(root)/data/local")
        /// Syncs the environment's application and waits until its Deployment runs `image`.
        func deployed(_ environment: String, _ image: String) async throws {
            let sync = try await slipway(["gitops", "sync", "--config", "\(app)/slipway.yaml", "--app", "my-app-\(environment)"])
            #expect(sync.succeeded && sync.standardOutput.contains("0 failed"), "\(sync)")
            try await Deadline.within(.seconds(90), "my-app-\(environment) to run \(image)") {
                while true {
                    let live = try await connection.get(ObjectKey(.deployment, namespace: "my-app-\(environment)", name: "web"))
                    let running = live?.value(at: ["spec", "template", "spec", "containers"])?.array?.first?["image"]?.string
                    if running == image, live?.value(at: ["status", "availableReplicas"])?.int == 1 { return }
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
        }

        // QA ← main, at once.
        let qa = try await run("refs/heads/main", actor: "dana")
        #expect(try await qa.end(within: .seconds(120)) == .exited(0), "\(qa.output)")
        try await deployed("qa", "local/web:main")

        // PRE ← release/1.2 after one approval; nothing is written to its overlay before.
        let pre = try await run("refs/heads/release/1.2", actor: "dana")
        let preRun = try await pre.waitingRun()
        let preOverlayWhileWaiting = try await overlay("pre")
        #expect(!preOverlayWhileWaiting.contains("local/web"), "PRE's overlay is untouched while the job waits")
        let approved = try await slipway(["approve", preRun, "--environment", "pre", "--as", "alice", "-C", app])
        #expect(approved.succeeded, "\(approved.standardError)")
        #expect(try await pre.end(within: .seconds(120)) == .exited(0), "\(pre.output)")
        try await deployed("pre", "local/web:rc")

        // PROD ← v1.2.0 only after two distinct reviewers, never the tag's pusher, and the wait timer.
        let prodStarted = Date().timeIntervalSince1970
        let prod = try await run("refs/tags/v1.2.0", actor: "alice")
        let prodRun = try await prod.waitingRun()
        let own = try await slipway(["approve", prodRun, "--environment", "prod", "--as", "alice", "-C", app])
        #expect(!own.succeeded && own.standardError.contains("prevents self-review"), "\(own.standardError)")
        #expect(try await slipway(["approve", prodRun, "--environment", "prod", "--as", "bob", "-C", app]).succeeded)
        let prodOverlayAfterOne = try await overlay("prod")
        #expect(!Leftovers.hasEnded(prod.pid) && !prodOverlayAfterOne.contains("local/web"), "one approval of two deploys nothing")
        #expect(try await slipway(["approve", prodRun, "--environment", "prod", "--as", "carol", "-C", app]).succeeded)
        #expect(try await prod.end(within: .seconds(120)) == .exited(0), "\(prod.output)")
        #expect(prod.output.contains("environment prod: http://my-app.localhost"), "the job's url is shown")
        let deployingAt = prod.output.split(separator: "\n").compactMap { line in
            line.range(of: "deploying at ").flatMap { Double(line[$0.upperBound...].trimmingCharacters(in: .whitespaces)) }
        }.first
        #expect((deployingAt ?? 0) - prodStarted >= 6, "PROD's wait timer of 0.1 minutes holds the job 6 s after it was triggered")
        try await deployed("prod", "local/web:v1.2.0")

        // A rejection fails the deployment; a tag PROD's policy refuses fails without asking anyone. PROD stays.
        let rejected = try await run("refs/tags/v1.2.1", actor: "alice")
        let rejectedRun = try await rejected.waitingRun()
        _ = try await slipway(["reject", rejectedRun, "--environment", "prod", "--as", "bob", "-C", app, "--comment", "freeze"])
        #expect(try await rejected.end(within: .seconds(120)) == .exited(1))
        #expect(rejected.output.contains("The deployment to prod was rejected by bob: freeze."), "\(rejected.output)")
        let outside = try await run("refs/tags/x1.2.0", actor: "alice")
        #expect(try await outside.end(within: .seconds(120)) == .exited(1))
        #expect(
            outside.output.contains("Tag \"x1.2.0\" is not allowed to deploy to prod due to environment protection rules."),
            "\(outside.output)")
        #expect(try await overlay("prod").contains("newTag: v1.2.0"))
    }

    /// A bare GitOps repository: a base with a Deployment and a Service, an overlay per environment.
    static func gitopsRepository(root: String) async throws {
        let source = "\(root)/gitops-src"
        try FileManager.default.createDirectory(atPath: "\(source)/base", withIntermediateDirectories: true)
        try "resources:\n- app.yaml\n".write(toFile: "\(source)/base/kustomization.yaml", atomically: true, encoding: .utf8)
        try CLISandbox.webManifests(image: "web").write(toFile: "\(source)/base/app.yaml", atomically: true, encoding: .utf8)
        for environment in ["qa", "pre", "prod"] {
            try FileManager.default.createDirectory(atPath: "\(source)/overlays/\(environment)", withIntermediateDirectories: true)
            try "resources:\n- ../../base\nnamespace: my-app-\(environment)\n".write(
                toFile: "\(source)/overlays/\(environment)/kustomization.yaml", atomically: true, encoding: .utf8)
        }
        let git = Git(directory: source)
        _ = try await git.run(["init", "-q", "-b", "main"])
        _ = try await git.run(["add", "-A"])
        _ = try await git.run(["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "overlays"])
        _ = try await Git(directory: root).run(["clone", "-q", "--bare", source, "\(root)/gitops.git"])
    }
}
