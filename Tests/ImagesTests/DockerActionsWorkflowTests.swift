import Core
import Foundation
import Images
import Testing

/// Seed 002's build job through the `slipway` binary: docker/login-action against an htpasswd-protected
/// docker-registry, docker/metadata-action with the seed's SHA tag, docker/build-push-action building and pushing
/// without a daemon; skopeo then sees the digest the step reported.
@Suite(.serialized) struct DockerActionsWorkflowTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..")
        .standardizedFileURL.path
    static let slipway = ProcessInfo.processInfo.environment["SLIPWAY_BINARY"] ?? (repositoryRoot + "/.build/debug/slipway")
    static let password = "ci-Secret-4f1d9a"

    static let workflow = """
        name: Build and push
        on: push
        env:
          REGISTRY: __REGISTRY__
          IMAGE_NAME: our-org/qwik-node-app
        jobs:
          build-and-push:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - name: Log in to Container Registry
                uses: docker/login-action@v3
                with:
                  registry: ${{ env.REGISTRY }}
                  username: ${{ secrets.REGISTRY_USERNAME }}
                  password: ${{ secrets.REGISTRY_PASSWORD }}
              - name: Extract metadata (tags, labels) for Docker
                id: meta
                uses: docker/metadata-action@v5
                with:
                  images: ${{ env.REGISTRY }}/${{ env.IMAGE_NAME }}
                  tags: |
                    type=sha,prefix=,format=short
                    type=ref,event=branch
              - uses: docker/setup-buildx-action@v3
              - name: Build and push Docker image
                id: build
                uses: docker/build-push-action@v5
                with:
                  context: .
                  push: true
                  tags: ${{ steps.meta.outputs.tags }}
                  labels: ${{ steps.meta.outputs.labels }}
                  build-args: |
                    GIT_COMMIT=${{ github.sha }}
                  cache-from: type=gha
                  cache-to: type=gha,mode=max
              - run: |
                  echo "digest=${{ steps.build.outputs.digest }}"
                  echo "imageid=${{ steps.build.outputs.imageid }}"
                  echo "version=${{ steps.meta.outputs.version }}"
                  echo "env-version=$DOCKER_METADATA_OUTPUT_VERSION"
                  echo "named=${{ fromJSON(steps.build.outputs.metadata)['image.name'] }}"

        """

    static let dockerfile = """
        FROM alpine:3.20
        ARG GIT_COMMIT=unknown
        LABEL com.example.commit=$GIT_COMMIT
        WORKDIR /app
        COPY message.txt ./
        RUN echo "built from $GIT_COMMIT" > /app/build-info
        USER nonroot:nonroot
        ENTRYPOINT ["/bin/cat", "/app/message.txt", "/app/build-info"]

        """

    struct Sandbox {
        let root: String
        let registry: DistributionRegistry
        var app: String { root + "/app" }
        var environment: [String: String] {
            [
                "SLIPWAY_IMAGE_STORE": root + "/store", "XDG_CONFIG_HOME": root + "/config", "DOCKER_CONFIG": root + "/docker",
                "SLIPWAY_HOME": root + "/state",
            ]
        }

        static func make() async throws -> Sandbox {
            let root = try ImageFixtures.temporaryDirectory("docker-actions")
            _ = try ImageFixtures.storeWithBases(in: root)
            let htpasswd = try await ImageFixtures.command("htpasswd", ["-Bbn", "ci", password])
            let registry = try await DistributionRegistry.start(htpasswd: htpasswd.standardOutput)
            let app = root + "/app"
            try FileManager.default.createDirectory(atPath: app + "/.github/workflows", withIntermediateDirectories: true)
            try workflow.replacingOccurrences(of: "__REGISTRY__", with: registry.host)
                .write(toFile: app + "/.github/workflows/build.yml", atomically: true, encoding: .utf8)
            try dockerfile.write(toFile: app + "/Dockerfile", atomically: true, encoding: .utf8)
            try "hello from qwik\n".write(toFile: app + "/message.txt", atomically: true, encoding: .utf8)
            let git = Git(directory: app)
            let identity = [
                "GIT_AUTHOR_NAME": "Dev", "GIT_AUTHOR_EMAIL": "dev@example.com", "GIT_COMMITTER_NAME": "Dev",
                "GIT_COMMITTER_EMAIL": "dev@example.com",
            ]
            try await git.run(["init", "-q", "-b", "main"])
            try await git.run(["add", "-A"])
            try await git.run(["commit", "-q", "-m", "app"], environment: identity)
            return Sandbox(root: root, registry: registry)
        }

        func run(password: String) async throws -> CapturedCommand.Result {
            try await CapturedCommand.run(
                "bash",
                [
                    "-c",
                    "cd \"$1\" && exec \"$2\" run push --ref refs/heads/main --secret REGISTRY_USERNAME=ci --secret "
                        + "REGISTRY_PASSWORD=\"$3\"",
                    "slipway", app, DockerActionsWorkflowTests.slipway, password,
                ],
                environment: environment, timeout: .seconds(300))
        }

        func remove() {
            registry.stop()
            try? FileManager.default.removeItem(atPath: root)
        }
    }

    @Test func seedBuildJobLogsInTagsBuildsAndPushes() async throws {
        guard DistributionRegistry.isInstalled, ImageFixtures.busybox != nil else {
            Issue.record("docker-registry and busybox-static are needed (scripts/setup installs them)")
            return
        }
        #expect(FileManager.default.isExecutableFile(atPath: Self.slipway), "build the slipway executable first (scripts/test does)")
        let sandbox = try await Sandbox.make()
        defer { sandbox.remove() }
        let sha = try await Git(directory: sandbox.app).run(["rev-parse", "HEAD"])
        let short = String(sha.prefix(7))

        let result = try await sandbox.run(password: Self.password)
        let output = result.standardOutput + result.standardError
        #expect(result.succeeded, "\(output)")
        #expect(!output.contains(Self.password), "the registry password never reaches the log")
        #expect(!FileManager.default.fileExists(atPath: sandbox.root + "/config/slipway/auth.json"), "the job's login stays in the job")
        func value(_ key: String) -> String? {
            output.split(separator: "\n").compactMap { line -> String? in
                guard let range = line.range(of: "\(key)=") else { return nil }
                return String(line[range.upperBound...]).trimmingCharacters(in: .whitespaces)
            }.last
        }
        let digest = try #require(value("digest"))
        #expect(digest.hasPrefix("sha256:") && digest.count == 71)
        #expect(value("imageid")?.hasPrefix("sha256:") == true)
        // type=ref (priority 600) outranks type=sha (100): the branch is the version, as in metadata-action.
        #expect(value("version") == "main")
        #expect(value("env-version") == "main", "DOCKER_METADATA_OUTPUT_VERSION is exported to later steps")
        #expect(
            value("named") == "\(sandbox.registry.host)/our-org/qwik-node-app:main,\(sandbox.registry.host)/our-org/qwik-node-app:\(short)")

        // The registry's view, through skopeo.
        let image = "docker://\(sandbox.registry.host)/our-org/qwik-node-app:\(short)"
        let inspect = try await ImageFixtures.command("skopeo", ["inspect", "--tls-verify=false", "--creds", "ci:\(Self.password)", image])
        #expect(inspect.succeeded, "\(inspect.standardError)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(inspect.standardOutput.utf8)) as? [String: Any])
        #expect(object["Digest"] as? String == digest)
        let labels = object["Labels"] as? [String: String] ?? [:]
        #expect(labels["org.opencontainers.image.revision"] == sha)
        #expect(labels["org.opencontainers.image.version"] == "main")
        #expect(labels["com.example.commit"] == sha, "build-args reach the Dockerfile")
        let tags = try await ImageFixtures.command(
            "skopeo",
            [
                "list-tags", "--tls-verify=false", "--creds", "ci:\(Self.password)",
                "docker://\(sandbox.registry.host)/our-org/qwik-node-app",
            ])
        let listed = (try? JSONSerialization.jsonObject(with: Data(tags.standardOutput.utf8)) as? [String: Any])?["Tags"] as? [String] ?? []
        #expect(Set(listed) == [short, "main"])

        // A wrong password fails the login step, with the registry's answer, and nothing is built or pushed after it.
        let refused = try await sandbox.run(password: "not-the-password")
        let refusedOutput = refused.standardOutput + refused.standardError
        #expect(!refused.succeeded)
        #expect(refusedOutput.contains("401") || refusedOutput.lowercased().contains("unauthorized"), "\(refusedOutput)")
        #expect(!refusedOutput.contains("pushed "), "\(refusedOutput)")
    }
}
