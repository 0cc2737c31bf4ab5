import Core
import Foundation
import SlipwayTesting
import Testing

/// A GitLab pipeline deploying as seed 002's does, unchanged: `kubectl config use-context our-org:k8s-agent:…` (the
/// agent context the file names in `KUBE_CONTEXT`), a manifest edited by `yq` in a pipe, `kubectl apply -f -`, then a
/// cleanup job deleting it — against the running local target through the KUBECONFIG `slipway gitlab run` gives jobs.
struct GitLabKubernetesTests {
    @Test(.timeLimit(.minutes(4))) func jobsDeployToTheLocalTargetWithKubectlAndYQ() async throws {
        if let reason = LocalCluster.unavailableReason ?? Kubectl.unavailableReason {
            Issue.record(Comment(rawValue: reason))
            return
        }
        let sandbox = try CLISandbox("gitlab-kube")
        defer { sandbox.remove() }
        let base = try sandbox.webRoot()
        #expect(
            try await sandbox.slipway(["image", "import", "--tag", "local/web:1", "--cmd", "httpd -f -p 8080 -h /www", base]).succeeded)
        let up = try await sandbox.localUp(bridgePrefix: "sgl")
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
        let repository = "\(sandbox.root)/app"
        try FileManager.default.createDirectory(atPath: "\(repository)/k8s", withIntermediateDirectories: true)
        try CLISandbox.webManifests(image: "local/web:1").split(separator: "---").last.map(String.init)?
            .write(toFile: "\(repository)/k8s/deployment.yaml", atomically: true, encoding: .utf8)
        try """
        variables:
          APP_NAME: web
          KUBE_CONTEXT: "our-org:k8s-agent:prod-cluster"
        stages: [deploy_canary, verify_canary, cleanup]
        deploy_canary_release:
          stage: deploy_canary
          script:
            - kubectl config use-context ${KUBE_CONTEXT}
            - |
              cat k8s/deployment.yaml | \\
              yq e '.metadata.name = "web-canary"' - | \\
              yq e '.spec.template.metadata.labels.version = "canary"' - | \\
              kubectl apply -f -
        verify_canary:
          stage: verify_canary
          script:
            - kubectl config use-context ${KUBE_CONTEXT}
            - kubectl get deployment ${APP_NAME}-canary -o jsonpath='{.spec.template.metadata.labels.version}{"\\n"}'
        cleanup_canary_deployment:
          stage: cleanup
          script:
            - kubectl config use-context ${KUBE_CONTEXT}
            - kubectl delete deployment/${APP_NAME}-canary --ignore-not-found=true

        """.write(toFile: "\(repository)/.gitlab-ci.yml", atomically: true, encoding: .utf8)
        let git = Git(directory: repository)
        _ = try await git.run(["init", "-q", "-b", "main"])
        _ = try await git.run(["add", "."])
        _ = try await git.run(["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "pipeline"])
        let run = try await sandbox.slipway(["gitlab", "run", "-C", repository, "--source", "trigger"], timeout: .seconds(180))
        #expect(run.succeeded, "\(run.standardOutput)\n\(run.standardError)")
        #expect(run.standardOutput.contains("[deploy_canary_release] KUBECONFIG: the local target's Kubernetes API"))
        #expect(run.standardOutput.contains("Switched to context \"our-org:k8s-agent:prod-cluster\""), "\(run.standardOutput)")
        #expect(run.standardOutput.contains("deployment.apps/web-canary created"), "\(run.standardOutput)")
        #expect(run.standardOutput.contains("[verify_canary] canary"), "\(run.standardOutput)")
        #expect(run.standardOutput.contains("deployment.apps \"web-canary\" deleted"), "\(run.standardOutput)")
    }
}
