import Core
import Foundation
import Images
import Manifests
import OCI
import SlipwayTesting
import TargetKit
import Targets
import Testing

extension SeedTwoPipelineTests {
    /// Everything one run of seed 002 needs, under one temporary directory: the application's repository (a working
    /// copy and the bare repository the server watches), the CI's image store with the base image, the node's image
    /// store and registry credentials, the local target's data.
    struct World: Sendable {
        let root: String
        let suffix: String
        var work: String { root + "/work" }
        var bare: String { root + "/qwik-node-app.git" }
        var local: String { root + "/local" }
        var kubeconfig: String { root + "/kubeconfig" }
        var ciAuth: String { root + "/ci-auth.json" }
        var nodeAuth: String { root + "/node-auth.json" }
        /// The server's and its jobs': the CI image store (with the Dockerfile's base image).
        var ciEnvironment: [String: String] { ["SLIPWAY_IMAGE_STORE": root + "/images-ci", "SLIPWAY_DATA_DIR": root + "/data"] }
        /// The cluster's: an image store of its own, so images come from the registry, with the node's credentials.
        var nodeEnvironment: [String: String] {
            ["SLIPWAY_IMAGE_STORE": root + "/images-node", "SLIPWAY_DATA_DIR": root + "/data", "SLIPWAY_AUTH_FILE": nodeAuth]
        }
        static let identity = [
            "GIT_AUTHOR_NAME": "Dev", "GIT_AUTHOR_EMAIL": "dev@example.com", "GIT_COMMITTER_NAME": "Dev",
            "GIT_COMMITTER_EMAIL": "dev@example.com",
        ]

        static func make() async throws -> World {
            let root = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-seed002-\(UUID().uuidString.prefix(8))").path
            let world = World(root: root, suffix: String(UUID().uuidString.filter(\.isHexDigit).prefix(6)).lowercased())
            let fm = FileManager.default
            try fm.createDirectory(atPath: root + "/data", withIntermediateDirectories: true)
            // The Dockerfile's base image, as `slipway up` makes it.
            let store = try ImageStore(root: root + "/images-ci")
            var config = ImageConfig.ContainerConfig()
            config.cmd = ["/bin/sh"]
            _ = try ImageImporter(store: store).importImage(
                from: try BusyboxRoot.make(at: root + "/busybox"), tag: try ImageReference(parsing: "slipway-demo/busybox:host"),
                sourceDateEpoch: 0, config: config)
            try fm.copyItem(atPath: ReleaseCrashTests.repositoryRoot + "/Examples/seed-002", toPath: world.work)
            let git = Git(directory: world.work)
            try await git.run(["init", "-q", "-b", "main"])
            try await git.run(["add", "-A"])
            try await git.run(["commit", "-q", "-m", "qwik-node-app v1"], environment: identity)
            try await Git(directory: root).run(["clone", "-q", "--bare", world.work, world.bare])
            try await git.run(["remote", "add", "origin", world.bare])
            return world
        }

        func remove() { try? FileManager.default.removeItem(atPath: root) }

        /// The local target on ports the kernel chooses, its own bridge and subnet, and a kubeconfig for it.
        func startTarget() async throws -> ManifestValue {
            let up = try await CapturedCommand.run(
                SeedTwoPipelineTests.slipway,
                [
                    "local", "up", "--data-dir", local, "--subnet", await TestNetwork.subnet(), "--bridge", "ssd\(suffix)",
                    "--port", "0", "--admin-port", "0", "--api-port", "0",
                ],
                environment: nodeEnvironment, timeout: .seconds(60))
            try #require(up.succeeded, "\(up.standardOutput)\(up.standardError)")
            let config = try await CapturedCommand.run(
                SeedTwoPipelineTests.slipway, ["local", "kubeconfig", "--data-dir", local, "--output", kubeconfig],
                environment: nodeEnvironment, timeout: .seconds(30))
            try #require(config.succeeded, "\(config.standardError)")
            return try await LocalTargetConnection(dataDirectory: local).status()
        }

        /// What runs before the seed's pipeline ever does: v1 built and pushed as `initial-tag`, on the primary with
        /// the Service, the DestinationRule and all traffic to the primary.
        func bootstrap(registry: String) async throws {
            var environment = ciEnvironment
            environment["SLIPWAY_AUTH_FILE"] = ciAuth
            let image = "\(registry)/our-org/qwik-node-app:initial-tag"
            let build = try await CapturedCommand.run(
                SeedTwoPipelineTests.slipway, ["image", "build", "--tag", image, "--push", work], environment: environment,
                timeout: .seconds(300))
            try #require(build.succeeded, "\(build.standardOutput)\(build.standardError)")
            let deployment = try String(contentsOfFile: work + "/k8s/deployment.yaml", encoding: .utf8)
                .replacingOccurrences(of: "registry.example.com/our-org/qwik-node-app:initial-tag", with: image)
            try deployment.write(toFile: root + "/primary.yaml", atomically: true, encoding: .utf8)
            for file in [
                work + "/k8s/service.yaml", work + "/k8s/istio-destinationrule.yaml", work + "/k8s/istio-virtualservice-100-percent.yaml",
                root + "/primary.yaml",
            ] {
                let applied = try await kubectl(["apply", "-f", file])
                try #require(applied.succeeded, "\(file): \(applied.standardOutput)\(applied.standardError)")
            }
            try await waitForPrimary(image)
        }

        func kubectl(_ arguments: [String]) async throws -> CapturedCommand.Result {
            try await CapturedCommand.run(
                SeedTwoPipelineTests.kubectl ?? "kubectl", arguments, environment: ["KUBECONFIG": kubeconfig], timeout: .seconds(60))
        }

        /// Commits a new `app.conf` and pushes it to `main`: the server's push hook starts the GitHub workflow.
        func push(greeting: String, errorPercent: Int) async throws -> String {
            try "GREETING=\"\(greeting)\"\nERROR_PERCENT=\(errorPercent)\n".write(
                toFile: work + "/app.conf", atomically: true, encoding: .utf8)
            let git = Git(directory: work)
            try await git.run(["commit", "-q", "-am", greeting], environment: Self.identity)
            try await git.run(["push", "-q", "origin", "HEAD:refs/heads/main"])
            return try await git.run(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
        }

        /// The VirtualService's weights, primary then canary.
        func weights() async throws -> [Int] {
            let target = try LocalTargetConnection(dataDirectory: local)
            let route = try await target.get(ObjectKey(.virtualService, namespace: "default", name: "qwik-node-app-vs"))
            return (route?.value(at: ["spec", "http"])?.array?.first?["route"]?.array ?? []).compactMap { $0["weight"]?.int }
        }

        func canaryDeployment() async throws -> ManifestValue? {
            try await LocalTargetConnection(dataDirectory: local).get(
                ObjectKey(.deployment, namespace: "default", name: "qwik-node-app-canary"))
        }

        /// Waits until the primary runs `image` on all three replicas, and no older pod is left.
        func waitForPrimary(_ image: String) async throws {
            let target = try LocalTargetConnection(dataDirectory: local)
            try await Deadline.within(.seconds(180), "the primary to run \(image)") {
                while true {
                    if let live = try await target.get(ObjectKey(.deployment, namespace: "default", name: "qwik-node-app-primary")),
                        live.value(at: ["spec", "template", "spec", "containers"])?.array?.first?["image"]?.string == image,
                        live.value(at: ["status", "availableReplicas"])?.int == 3, live.value(at: ["status", "updatedReplicas"])?.int == 3,
                        live.value(at: ["status", "replicas"])?.int == 3
                    {
                        return
                    }
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
        }
    }
}
