import Core
import Foundation
import Images
import Manifests
import SlipwayTesting
import TargetKit
import Targets
import Testing

/// `slipway gitops sync` with an application whose target is a kubeconfig context (here: the local target's own
/// Kubernetes API over TLS, named `staging` in a kubeconfig `slipway local kubeconfig --tls` wrote with the target's
/// certificate authority) does what the same application does with `target: local`: the same objects, rolled out,
/// and nothing to change on a second sync. kubectl trusts the same kubeconfig.
struct GitOpsKubeContextTests {
    @Test(.timeLimit(.minutes(4))) func syncToAContextMatchesTheLocalTarget() async throws {
        if let reason = LocalCluster.unavailableReason {
            Issue.record(Comment(rawValue: reason))
            return
        }
        let sandbox = try CLISandbox("kubecontext")
        defer { sandbox.remove() }
        let root = sandbox.root
        func slipway(_ arguments: [String]) async throws -> CapturedCommand.Result { try await sandbox.slipway(arguments) }
        let base = try sandbox.webRoot()
        #expect(try await slipway(["image", "import", "--tag", "local/web:1", "--cmd", "httpd -f -p 8080 -h /www", base]).succeeded)
        let up = try await sandbox.localUp(bridgePrefix: "skc")
        #expect(up.succeeded, "\(up.standardError)")
        do {
            try await exercise(root: root, slipway: slipway)
        } catch {
            _ = try? await slipway(["local", "down"])
            throw error
        }
        #expect(try await slipway(["local", "down"]).succeeded)
    }

    func exercise(root: String, slipway: (([String]) async throws -> CapturedCommand.Result)) async throws {
        let kubeconfig = try await slipway(["local", "kubeconfig", "--tls", "--context", "staging", "--output", "\(root)/kubeconfig"])
        #expect(kubeconfig.succeeded, "\(kubeconfig.standardError)")
        let written = try String(contentsOfFile: "\(root)/kubeconfig", encoding: .utf8)
        #expect(written.contains("server: https://127.0.0.1:") && written.contains("certificate-authority-data: "), "\(written)")
        // The TLS port answers only to its token.
        let server = try #require(
            written.split(separator: "\n").first { $0.contains("server: https://") }?.split(separator: " ").last.map(String.init))
        let anonymous = try await CapturedCommand.run(
            "curl",
            ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", "\(root)/data/local/tls/ca.pem", "\(server)/api/v1/secrets"],
            timeout: .seconds(30))
        #expect(anonymous.standardOutput == "401", "\(anonymous)")
        if Kubectl.unavailableReason == nil {
            let namespaces = try await CapturedCommand.run(
                Kubectl.executable,
                ["--kubeconfig", "\(root)/kubeconfig", "--cache-dir", "\(root)/kubectl-cache", "get", "namespaces", "-o", "name"],
                timeout: .seconds(60))
            #expect(namespaces.succeeded && namespaces.standardOutput.contains("namespace/default"), "kubectl over TLS: \(namespaces)")
        }
        let repository = "\(root)/gitops"
        try FileManager.default.createDirectory(atPath: "\(repository)/app", withIntermediateDirectories: true)
        try "resources:\n- app.yaml\n".write(toFile: "\(repository)/app/kustomization.yaml", atomically: true, encoding: .utf8)
        let settings = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {mode: fast}\n---\n"
        try (settings + CLISandbox.webManifests(image: "local/web:1")).write(
            toFile: "\(repository)/app/app.yaml", atomically: true, encoding: .utf8)
        let git = Git(directory: repository)
        _ = try await git.run(["init", "-q", "-b", "main"])
        _ = try await git.run(["add", "."])
        _ = try await git.run(["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "app"])
        try """
        applications:
        - name: via-local
          repository: gitops
          path: app
          namespace: via-local
        - name: via-context
          repository: gitops
          path: app
          namespace: via-context
          target: staging

        """.write(toFile: "\(root)/slipway.yaml", atomically: true, encoding: .utf8)
        let config = ["--config", "\(root)/slipway.yaml"]
        let local = try await slipway(["gitops", "sync"] + config + ["--app", "via-local"])
        #expect(
            local.succeeded && local.standardOutput.contains("1 application synced") && local.standardOutput.contains("0 failed"),
            "\(local)")
        let remote = try await slipway(["gitops", "sync"] + config + ["--app", "via-context", "--kubeconfig", "\(root)/kubeconfig"])
        #expect(
            remote.succeeded && remote.standardOutput.contains("1 application synced") && remote.standardOutput.contains("0 failed"),
            "\(remote)")
        // Both lines say the same: phase and the number of objects changed. Health is left out: it is what each sync saw
        // as it ended (Progressing or already Healthy, as fast as the pod started), and both roll out below.
        func summary(_ output: String) -> [String] {
            let line = output.split(separator: "\n").first.map(String.init) ?? ""
            return line.split(separator: " ", omittingEmptySubsequences: true).map(String.init).enumerated()
                .filter { [2, 4].contains($0.offset) }.map(\.element)
        }
        #expect(
            summary(local.standardOutput) == summary(remote.standardOutput) && summary(local.standardOutput).count == 2,
            "\(local.standardOutput)\n\(remote.standardOutput)")
        let connection = try LocalTargetConnection(dataDirectory: "\(root)/data/local")
        for kind in [ObjectKind.configMap, .service, .deployment] {
            let viaLocal = try #require(
                try await connection.get(ObjectKey(kind, namespace: "via-local", name: kind == .configMap ? "settings" : "web")))
            let viaContext = try #require(
                try await connection.get(ObjectKey(kind, namespace: "via-context", name: kind == .configMap ? "settings" : "web")))
            #expect(viaLocal["spec"] == viaContext["spec"] && viaLocal["data"] == viaContext["data"], "\(kind.kind)")
        }
        // The Deployment synced through the context rolls out like the other.
        let deployed = try await Deadline.within(.seconds(60), "the Deployment synced through the context becomes available") {
            while true {
                let live = try await connection.get(ObjectKey(.deployment, namespace: "via-context", name: "web"))
                if live?.value(at: ["status", "availableReplicas"])?.int == 1 { return live }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        #expect(deployed?.value(at: ["metadata", "annotations", "slipway.dev/tracking-id"])?.string?.hasPrefix("via-context:") == true)
        let again = try await slipway(["gitops", "sync"] + config + ["--app", "via-context", "--kubeconfig", "\(root)/kubeconfig"])
        #expect(again.succeeded && again.standardOutput.contains("0 objects changed"), "\(again)")
        // A context the kubeconfig does not have is an error naming what it has.
        try """
        applications:
        - name: elsewhere
          repository: gitops
          path: app
          target: production

        """.write(toFile: "\(root)/other.yaml", atomically: true, encoding: .utf8)
        let missing = try await slipway(["gitops", "sync", "--config", "\(root)/other.yaml", "--kubeconfig", "\(root)/kubeconfig"])
        #expect(!missing.succeeded && missing.standardError.contains("no context \"production\" (there are: staging)"), "\(missing)")
    }
}
