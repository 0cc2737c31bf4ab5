import Core
import Foundation
import GitLabCI
import KubernetesAPI
import Targets

/// The KUBECONFIG GitLab jobs get when a local target runs: its Kubernetes API under every context name the pipeline
/// may select (GitLab's agent names such as `our-org:k8s-agent:prod-cluster`), so `kubectl config use-context …` and
/// `kubectl apply` in an unchanged `.gitlab-ci.yml` reach the local target.
public enum LocalTargetKubeconfig {
    /// Writes the file (mode 0600) and answers its path and contexts; nil when no local target runs there.
    public static func write(
        targetDataDirectory: String, contexts extra: [String], config: GitLabConfig, to path: String
    ) throws -> (path: String, contexts: [String])? {
        guard let record = LocalTargetDaemonRecord.read(targetDataDirectory), record.isAlive else { return nil }
        var contexts = ["slipway-local"]
        for name in extra + config.kubernetesContexts where !contexts.contains(name) { contexts.append(name) }
        let text = try Kubeconfig(server: "http://127.0.0.1:\(record.port)", contexts: contexts).text()
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try AtomicFile.write(Data(text.utf8), to: path, permissions: 0o600)
        return (path, contexts)
    }
}
