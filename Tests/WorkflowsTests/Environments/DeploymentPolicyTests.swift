import Core
import Testing
import Workflows

/// GitHub's deployment branch and tag policies, as a table: which refs may deploy to an environment, and the message
/// of those that may not.
@Suite struct DeploymentPolicyTests {
    static let qa = DeploymentEnvironment(name: "qa", branches: ["main"])
    static let pre = DeploymentEnvironment(name: "pre", branches: ["release/*"])
    static let prod = DeploymentEnvironment(name: "prod", tags: ["v*"])
    static let open = DeploymentEnvironment(name: "dev")

    static func push(_ ref: String) -> WorkflowEvent { WorkflowEvent(name: "push", ref: ref, sha: "") }

    @Test(
        arguments: [
            (qa, "refs/heads/main", nil),
            (qa, "refs/heads/feature", "Branch \"feature\" is not allowed to deploy to qa due to environment protection rules."),
            (qa, "refs/tags/v1", "Tag \"v1\" is not allowed to deploy to qa due to environment protection rules."),
            (pre, "refs/heads/release/1.2", nil),
            (
                pre, "refs/heads/release/1.2/hotfix",
                "Branch \"release/1.2/hotfix\" is not allowed to deploy to pre due to environment protection rules."
            ),
            (pre, "refs/heads/main", "Branch \"main\" is not allowed to deploy to pre due to environment protection rules."),
            (prod, "refs/tags/v1.2.0", nil),
            (prod, "refs/tags/x1.2.0", "Tag \"x1.2.0\" is not allowed to deploy to prod due to environment protection rules."),
            (prod, "refs/heads/main", "Branch \"main\" is not allowed to deploy to prod due to environment protection rules."),
            (open, "refs/heads/anything", nil),
            (open, "refs/tags/anything", nil),
        ] as [(DeploymentEnvironment, String, String?)])
    func refsAreJudgedByTheirKind(_ environment: DeploymentEnvironment, _ ref: String, _ expected: String?) {
        #expect(environment.policyViolation(for: Self.push(ref)) == expected)
    }

    @Test func aPullRequestIsJudgedByItsHeadBranch() {
        let event = WorkflowEvent(name: "pull_request", ref: "refs/pull/7/merge", sha: "", baseRef: "main", headRef: "release/2.0")
        #expect(Self.pre.policyViolation(for: event) == nil)
        #expect(
            Self.qa.policyViolation(for: event)
                == "Branch \"release/2.0\" is not allowed to deploy to qa due to environment protection rules.")
    }

    @Test(arguments: [
        ("release/*", "release/1.2", true), ("release/*", "release/1/2", false), ("release/*/*", "release/1/2", true),
        ("v*", "v1.2.0", true), ("v*", "x1", false), ("v?.*", "v1.2", true), ("v?.*", "v10.2", false),
        ("v[0-9]*", "v1", true), ("v[0-9]*", "vx", false), ("v[!0-9]*", "vx", true), ("**/main", "a/b/main", true),
        ("**/main", "main", true), ("main", "Main", false), ("feat\\*", "feat*", true), ("feat\\*", "feature", false),
        ("*", "a/b", false), ("[a", "[a", true),
    ])
    func patternsMatchAsFnmatchWithPathnames(_ pattern: String, _ name: String, _ expected: Bool) {
        #expect(PathGlob(pattern).matches(name) == expected)
    }
}
