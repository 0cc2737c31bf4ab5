import Core
import Expressions

/// An event that may start workflows: what GitHub would deliver as a webhook.
public struct WorkflowEvent: Sendable {
    public var name: String
    /// `refs/heads/main`, `refs/tags/v1.2.3`, ...
    public var ref: String
    public var sha: String
    /// Files changed by the push, relative to the repository root; nil when unknown (filters on paths then pass).
    public var changedPaths: [String]?
    /// `pull_request` activity type and base branch.
    public var action: String?
    public var baseRef: String?
    public var headRef: String?
    /// `workflow_dispatch` inputs as given on the command line.
    public var inputs: [String: String]
    /// `workflow_run`: the workflow name that completed and its payload.
    public var workflowRun: ExpressionObject?
    /// The full payload exposed as `github.event`.
    public var payload: ExpressionObject

    public init(
        name: String, ref: String, sha: String, changedPaths: [String]? = nil, action: String? = nil,
        baseRef: String? = nil, headRef: String? = nil, inputs: [String: String] = [:],
        workflowRun: ExpressionObject? = nil, payload: ExpressionObject = ExpressionObject([])
    ) {
        self.name = name
        self.ref = ref
        self.sha = sha
        self.changedPaths = changedPaths
        self.action = action
        self.baseRef = baseRef
        self.headRef = headRef
        self.inputs = inputs
        self.workflowRun = workflowRun
        self.payload = payload
    }

    public var isTag: Bool { ref.hasPrefix("refs/tags/") }
    public var refName: String {
        for prefix in ["refs/heads/", "refs/tags/", "refs/pull/"] where ref.hasPrefix(prefix) {
            return String(ref.dropFirst(prefix.count))
        }
        return ref
    }
}

extension EventTrigger {
    /// Whether this trigger fires for `event`, applying GitHub's filter rules.
    public func matches(_ event: WorkflowEvent) -> Bool {
        guard event.name == self.event else { return false }
        switch event.name {
        case "push":
            // A push filtered only by branches ignores tags and vice versa.
            let hasRefFilter = branches != nil || branchesIgnore != nil || tags != nil || tagsIgnore != nil
            if hasRefFilter {
                if event.isTag {
                    if tags == nil && tagsIgnore == nil { return false }
                    if let tags, !FilterPattern.matches(tags, event.refName) { return false }
                    if let tagsIgnore, FilterPattern.matches(tagsIgnore, event.refName) { return false }
                } else {
                    if branches == nil && branchesIgnore == nil { return false }
                    if let branches, !FilterPattern.matches(branches, event.refName) { return false }
                    if let branchesIgnore, FilterPattern.matches(branchesIgnore, event.refName) { return false }
                }
            }
            return pathsMatch(event.changedPaths)
        case "pull_request", "pull_request_target":
            let activity = event.action ?? "opened"
            let allowed = types ?? ["opened", "synchronize", "reopened"]
            guard allowed.contains(activity) else { return false }
            let base = event.baseRef.map { $0.hasPrefix("refs/heads/") ? String($0.dropFirst(11)) : $0 } ?? ""
            if let branches, !FilterPattern.matches(branches, base) { return false }
            if let branchesIgnore, FilterPattern.matches(branchesIgnore, base) { return false }
            return pathsMatch(event.changedPaths)
        case "workflow_run":
            guard let run = event.workflowRun else { return false }
            let name = run["name"]?.coercedString ?? ""
            guard workflows.contains(name) else { return false }
            let activity = event.action ?? "completed"
            if let types, !types.contains(activity) { return false }
            let headBranch = run["head_branch"]?.coercedString ?? ""
            if let branches, !FilterPattern.matches(branches, headBranch) { return false }
            if let branchesIgnore, FilterPattern.matches(branchesIgnore, headBranch) { return false }
            return true
        default:
            if let types, let action = event.action { return types.contains(action) }
            return true
        }
    }

    func pathsMatch(_ changed: [String]?) -> Bool {
        guard let changed else { return true }
        if let paths {
            return changed.contains { FilterPattern.matches(paths, $0) }
        }
        if let pathsIgnore {
            return !changed.allSatisfy { FilterPattern.matches(pathsIgnore, $0) }
        }
        return true
    }
}
