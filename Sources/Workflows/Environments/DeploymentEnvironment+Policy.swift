import Core

/// GitHub's deployment branch and tag policy: an environment that names branches or tags accepts only refs matching
/// them (a branch rule says nothing about tags, and the other way round); one that names neither accepts every ref.
extension DeploymentEnvironment {
    /// Whether the environment restricts the refs that deploy to it.
    public var restrictsRefs: Bool { branches != nil || tags != nil }

    /// The message of a job whose ref may not deploy here (GitHub's text), nil when the ref is allowed. A pull request
    /// is judged by its head branch.
    public func policyViolation(for event: WorkflowEvent) -> String? {
        guard restrictsRefs else { return nil }
        if event.isTag {
            let tag = event.refName
            if (tags ?? []).contains { PathGlob($0).matches(tag) } { return nil }
            return "Tag \"\(tag)\" is not allowed to deploy to \(name) due to environment protection rules."
        }
        let branch =
            if event.name.hasPrefix("pull_request"), let head = event.headRef {
                head.hasPrefix("refs/heads/") ? String(head.dropFirst("refs/heads/".count)) : head
            } else {
                event.refName
            }
        if (branches ?? []).contains { PathGlob($0).matches(branch) } { return nil }
        return "Branch \"\(branch)\" is not allowed to deploy to \(name) due to environment protection rules."
    }
}
