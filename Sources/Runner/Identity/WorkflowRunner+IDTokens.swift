import Expressions
import Workflows

/// OIDC tokens for jobs with `permissions: id-token: write`, with GitHub's claims: the subject names the environment
/// when the job deploys to one, else the pull request, else the ref.
extension WorkflowRunner {
    func grantIDToken(_ job: Job, name: String, context: ExpressionContext, environment: String?) async -> IDTokenGrant? {
        guard !options.dryRun, let issuer = options.idTokens, Permissions.allowsIDToken(job: job, workflow: workflow) else { return nil }
        let claims = Self.idTokenClaims(context: context, environment: environment, workflowPath: workflow.path)
        do {
            return try await issuer.grant(claims)
        } catch {
            await reporter.line(name, "⚠️ no OIDC token for this job: \(error)")
            return nil
        }
    }

    static func idTokenClaims(context: ExpressionContext, environment: String?, workflowPath: String) -> IDTokenClaims {
        let github = context["github"]?.objectValue ?? ExpressionObject([])
        func value(_ key: String) -> String { github[key]?.coercedString ?? "" }
        let repository = value("repository")
        let ref = value("ref")
        let subject: String
        if let environment {
            subject = "repo:\(repository):environment:\(environment)"
        } else if value("event_name").hasPrefix("pull_request") {
            subject = "repo:\(repository):pull_request"
        } else {
            subject = "repo:\(repository):ref:\(ref)"
        }
        var pairs: [(String, String)] = [("sub", subject)]
        if let environment { pairs.append(("environment", environment)) }
        pairs += [
            ("ref", ref), ("sha", value("sha")), ("repository", repository), ("repository_owner", value("repository_owner")),
            ("run_id", value("run_id")), ("run_number", value("run_number")), ("run_attempt", value("run_attempt")),
            ("actor", value("actor")), ("workflow", value("workflow")), ("event_name", value("event_name")),
            ("ref_type", value("ref_type")), ("head_ref", value("head_ref")), ("base_ref", value("base_ref")),
            ("workflow_ref", value("workflow_ref")), ("job_workflow_ref", "\(repository)/\(workflowPath)@\(ref)"),
            ("runner_environment", "self-hosted"),
        ]
        return IDTokenClaims(pairs)
    }
}
