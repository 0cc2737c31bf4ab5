import Core

/// The `GITHUB_TOKEN` permissions a job has, as far as Slipway acts on them: a job's `permissions:` replaces the
/// workflow's; `write-all` grants everything, `read-all` and `{}` grant no write, and a mapping grants what it names.
public enum Permissions {
    /// Whether the job may ask for an OIDC token (`id-token: write`). Without any `permissions:` it may not: GitHub's
    /// default token permissions never include `id-token`.
    public static func allowsIDToken(job: Job, workflow: Workflow) -> Bool {
        guard let node = job.permissions ?? workflow.permissions, !node.isNull else { return false }
        if let scalar = node.scalar { return scalar == "write-all" }
        return node["id-token"]?.scalar == "write"
    }
}
