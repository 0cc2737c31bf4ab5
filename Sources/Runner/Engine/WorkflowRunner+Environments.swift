import Core
import Expressions
import Foundation
import Workflows

/// A job naming an `environment:`, as on GitHub: the ref is checked against the environment's branch and tag policy
/// (no review is asked for a ref that may not deploy), then the job waits for its reviewers and wait timer, and only
/// then does it see the environment's secrets and variables (over the repository's: the narrowest wins).
extension WorkflowRunner {
    enum EnvironmentEntry: Sendable {
        /// Go on, deploying to this environment (nil: none).
        case proceed(String?)
        case fail(String)
        case cancel(String)
    }

    func enterEnvironment(_ job: Job, name: String, context: inout ExpressionContext) async -> EnvironmentEntry {
        guard let node = job.environment, !node.isNull else { return .proceed(nil) }
        let triggeredAt = Date()
        let nameNode = node.mapping != nil ? node["name"] : node
        let environmentName: String
        do {
            guard let nameNode else { return .fail("\(node.location): environment needs a name") }
            environmentName = try TemplateValue.string(nameNode, in: context).trimmingCharacters(in: .whitespaces)
        } catch {
            return .fail("\(error)")
        }
        // An empty name (an expression that chose none) deploys nowhere, as on GitHub.
        guard !environmentName.isEmpty else { return .proceed(nil) }
        guard let environment = options.environments[environmentName.lowercased()] else {
            await reporter.line(name, "  | environment \(environmentName) is not declared in slipway.yaml: no protection rules, no secrets")
            return .proceed(environmentName)
        }
        let rules = environment.rules
        if let violation = rules.policyViolation(for: options.event) { return .fail(violation) }
        if let problem = environment.secretsProblem { return .fail(problem) }
        let waitUntil = triggeredAt.addingTimeInterval(rules.waitTimerMinutes * 60)
        if rules.needsReview || rules.waitTimerMinutes > 0 {
            if options.dryRun {
                await reporter.line(name, "❔ would wait for \(Self.describeWait(rules)) (a dry run does not wait)")
            } else if let reviews = options.deploymentReviews, let recordID {
                let runReference = "slipway approve \(recordID) --environment \(rules.name)"
                await reporter.line(
                    name, "⏳ waiting for \(Self.describeWait(rules))" + (rules.needsReview ? " — \(runReference)" : ""))
                let request = DeploymentRequest(
                    runRecordID: recordID, jobID: job.id, jobName: name, environment: rules, actor: options.resolvedActor(),
                    waitUntil: waitUntil)
                switch await reviews.awaitDecision(request) {
                case .approved(let reviewers):
                    if !reviewers.isEmpty { await reporter.line(name, "✅ \(rules.name) approved by \(reviewers.joined(separator: ", "))") }
                case .rejected(let reviewer, let comment):
                    return .fail(
                        "The deployment to \(rules.name) was rejected by \(reviewer)" + (comment.map { ": \($0)" } ?? "") + ".")
                case .ended(let reason):
                    return Task.isCancelled ? .cancel(reason) : .fail(reason)
                }
            } else if rules.needsReview {
                return .fail(
                    "environment \(rules.name) needs \(rules.approvals) approval(s), and this run has no run store to record reviews in")
            } else {
                await reporter.line(name, "⏳ waiting for \(Self.describeWait(rules))")
                let remaining = waitUntil.timeIntervalSinceNow
                if remaining > 0 {
                    do { try await Task.sleep(for: .milliseconds(Int64(remaining * 1000))) } catch {
                        return .cancel("cancelled while waiting for the wait timer of \(rules.name)")
                    }
                }
            }
        }
        // The URL is shown in the job's log: the job's `url:` (evaluated as the job starts, so it cannot read the
        // job's own step outputs), else the environment's.
        var url = rules.url
        if let urlNode = node.mapping != nil ? node["url"] : nil {
            do { url = try TemplateValue.string(urlNode, in: context) } catch {
                await reporter.line(name, "  | the environment url is not shown: \(error)")
            }
        }
        if let url, !url.isEmpty { await reporter.line(name, "  | environment \(rules.name): \(url)") }
        if var secrets = context["secrets"]?.objectValue {
            for (key, value) in environment.secrets.sorted(by: { $0.key < $1.key }) { secrets = secrets.setting(key, .string(value)) }
            context["secrets"] = .object(secrets)
        }
        if var vars = context["vars"]?.objectValue {
            for (key, value) in rules.vars.sorted(by: { $0.key < $1.key }) { vars = vars.setting(key, .string(value)) }
            context["vars"] = .object(vars)
        }
        return .proceed(rules.name)
    }

    /// "2 approvals from alice, bob, carol and a wait timer of 0.1 minutes".
    static func describeWait(_ rules: DeploymentEnvironment) -> String {
        var parts: [String] = []
        if rules.needsReview {
            let count = rules.approvals == 1 ? "1 approval" : "\(rules.approvals) approvals"
            parts.append(
                "\(count) from \(rules.reviewers.joined(separator: ", "))" + (rules.preventSelfReview ? " (not the run's own actor)" : ""))
        }
        if rules.waitTimerMinutes > 0 { parts.append("a wait timer of \(NumberSyntax.format(rules.waitTimerMinutes)) minutes") }
        return "environment \(rules.name): " + parts.joined(separator: " and ")
    }
}

extension RunOptions {
    /// Who triggered the run: `actor`, else git's `user.name`, else `$USER`.
    func resolvedActor() -> String {
        actor ?? repository?.userName ?? ProcessInfo.processInfo.environment["USER"] ?? "slipway"
    }
}
