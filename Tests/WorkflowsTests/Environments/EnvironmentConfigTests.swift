import Core
import Testing
import Workflows

/// `environments:` of `slipway.yaml`: the seed's three environments parse into their rules; every mistake is reported
/// at its line and column.
@Suite struct EnvironmentConfigTests {
    static let seed = """
        environments:
          qa:   {branches: [main]}
          pre:  {branches: ["release/*"], reviewers: [alice, bob], approvals: 1}
          prod: {tags: ["v*"], reviewers: [alice, bob, carol], approvals: 2, prevent-self-review: true,
                 wait-timer: 0.1, secrets-file: .secrets/prod.env, vars: {REGION: eu-prod}}
        """

    @Test func theSeedsThreeEnvironmentsParse() throws {
        let config = try EnvironmentConfig.parse(Self.seed, file: "slipway.yaml")
        #expect(config.environments.map(\.name) == ["qa", "pre", "prod"])
        let qa = try #require(config.environment("QA"), "names are compared without regard to case")
        #expect(qa.branches == ["main"] && qa.tags == nil && !qa.needsReview && qa.waitTimerMinutes == 0)
        let pre = try #require(config.environment("pre"))
        #expect(pre.reviewers == ["alice", "bob"] && pre.approvals == 1 && !pre.preventSelfReview)
        let prod = try #require(config.environment("prod"))
        #expect(prod.tags == ["v*"] && prod.branches == nil && prod.approvals == 2 && prod.preventSelfReview)
        #expect(prod.waitTimerMinutes == 0.1 && prod.secretsFile == ".secrets/prod.env" && prod.vars == ["REGION": "eu-prod"])
        #expect(prod.location.line == 4)
    }

    @Test func reviewersWithoutApprovalsNeedOne() throws {
        let config = try EnvironmentConfig.parse("environments:\n  pre: {reviewers: [alice]}\n  bare:\n", file: "s.yaml")
        #expect(config.environment("pre")?.approvals == 1)
        #expect(config.environment("bare")?.restrictsRefs == false, "an environment with no rules accepts every ref")
    }

    @Test func aFileWithoutEnvironmentsDeclaresNone() throws {
        #expect(try EnvironmentConfig.parse("applications: []\n", file: "s.yaml").environments.isEmpty)
    }

    @Test(arguments: [
        ("environments:\n  prod: {approvals: 2}\n", "s.yaml:2:21: approvals of \"prod\" need reviewers"),
        ("environments:\n  prod: {reviewers: [a], approvals: 2}\n", "s.yaml:2:37: approvals of \"prod\" is 2, more than its 1 reviewers"),
        ("environments:\n  prod: {reviewers: [a], approvals: 0}\n", "s.yaml:2:37: approvals must be a whole number of at least 1, got 0"),
        ("environments:\n  prod: {wait-timer: 50000}\n", "s.yaml:2:22: wait-timer must be a number of minutes from 0 to 43200, got 50000"),
        ("environments:\n  prod: {wait-timer: soon}\n", "s.yaml:2:22: wait-timer must be a number of minutes"),
        ("environments:\n  prod: {prevent-self-review: maybe}\n", "s.yaml:2:31: prevent-self-review must be true or false, got maybe"),
        (
            "environments:\n  prod: {branch: [main]}\n",
            "s.yaml:2:10: unknown field \"branch\" in environment \"prod\", expected one of branches"
        ),
        ("environments:\n  prod: {tags: [refs/tags/v*]}\n", "s.yaml:2:16: tags pattern \"refs/tags/v*\" names a full ref"),
        ("environments:\n  prod: {vars: {GITHUB_X: y}}\n", "s.yaml:2:17: variable name \"GITHUB_X\" must be"),
        ("environments:\n  prod: {reviewers: [a, a]}\n", "s.yaml:2:21: reviewers of \"prod\" name someone twice"),
        ("environments:\n  prod: {}\n  PROD: {}\n", "s.yaml:3:3: duplicate environment \"PROD\""),
        ("environments:\n  a/b: {}\n", "s.yaml:2:3: environment name \"a/b\" must be"),
        ("environments: [qa]\n", "s.yaml:1:15: environments must be a mapping of names to rules, got sequence"),
        ("environments:\n  prod: [main]\n", "s.yaml:2:9: environment \"prod\" must be a mapping of rules, got sequence"),
    ])
    func mistakesAreReportedWhereTheyAre(_ text: String, _ expected: String) {
        do {
            _ = try EnvironmentConfig.parse(text, file: "s.yaml")
            Issue.record("\(text) parsed")
        } catch {
            #expect(error.description.contains(expected), "\(error.description)")
        }
    }
}
