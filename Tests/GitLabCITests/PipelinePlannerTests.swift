import Foundation
import GitLabCI
import Testing

/// Which jobs a pipeline gets, per source, ref and variables: `workflow: rules`, `rules` (first match wins, none →
/// not added), `only`/`except`, `parallel`, `needs` against the jobs that made it in.
@Suite struct PipelinePlannerTests {
    static let pipeline = """
        workflow:
          rules:
            - if: $CI_COMMIT_MESSAGE =~ /\\[skip pipeline\\]/
              when: never
            - if: $CI_PIPELINE_SOURCE == "schedule" && $NIGHTLY == null
              when: never
            - when: always
        variables:
          DEPLOY_TARGET: staging
        build:
          stage: build
          script: [make]
        docs:
          stage: build
          script: [make docs]
          rules:
            - changes: [docs/**/*]
        test:
          script: [make test]
          rules:
            - if: $CI_PIPELINE_SOURCE == "push" || $CI_PIPELINE_SOURCE == "web"
            - if: $CI_PIPELINE_SOURCE == "trigger"
              when: manual
        deploy-staging:
          stage: deploy
          script: [deploy]
          rules:
            - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
        deploy-prod:
          stage: deploy
          script: [deploy prod]
          rules:
            - if: $CI_COMMIT_TAG =~ /^v\\d+\\.\\d+/
              when: manual
        release-only:
          stage: deploy
          script: [release]
          only: [tags]
        not-on-triggers:
          script: [check]
          except: [triggers, schedules]
        nightly:
          script: [nightly]
          only:
            refs: [schedules]
            variables: [$NIGHTLY == "yes"]
        image-from-trigger:
          stage: deploy
          script: [apply]
          rules:
            - if: $IMAGE_TAG && $CI_PIPELINE_SOURCE == "trigger"
              variables: {DEPLOY_TARGET: canary}
        """

    static func names(_ plan: PipelinePlan) -> [String] { plan.jobs.map(\.name) }

    @Test(arguments: [
        (
            "push", "main", false, [String: String](), nil as [String]?,
            ["build", "docs", "test", "deploy-staging", "not-on-triggers"]
        ),
        ("push", "feature", false, [:], ["src/a.swift"], ["build", "test", "not-on-triggers"]),
        ("push", "feature", false, [:], ["docs/guide/intro.md"], ["build", "docs", "test", "not-on-triggers"]),
        ("push", "v1.2.0", true, [:], nil, ["build", "docs", "test", "deploy-prod", "release-only", "not-on-triggers"]),
        ("trigger", "main", false, ["IMAGE_TAG": "abc"], nil, ["build", "docs", "test", "deploy-staging", "image-from-trigger"]),
        ("trigger", "main", false, [:], nil, ["build", "docs", "test", "deploy-staging"]),
        // Inside `&&` an empty string is truthy (Ruby), so the rule holds (gitlab-org/gitlab#321371).
        ("trigger", "main", false, ["IMAGE_TAG": ""], nil, ["build", "docs", "test", "deploy-staging", "image-from-trigger"]),
        ("schedule", "main", false, ["NIGHTLY": "yes"], nil, ["build", "docs", "deploy-staging", "nightly"]),
        ("schedule", "main", false, ["NIGHTLY": "no"], nil, ["build", "docs", "deploy-staging"]),
        ("web", "feature", false, [:], nil, ["build", "docs", "test", "not-on-triggers"]),
        ("api", "feature", false, [:], nil, ["build", "docs", "not-on-triggers"]),
    ])
    func jobsPerSource(
        source: String, ref: String, tag: Bool, variables: [String: String], changed: [String]?, expected: [String]
    ) async throws {
        let fixture = try GitLabFixture(Self.pipeline)
        defer { fixture.remove() }
        let plan = try await fixture.plan(GitLabFixture.context(source: source, ref: ref, tag: tag, variables: variables, changed: changed))
        #expect(plan.isCreated)
        #expect(Self.names(plan) == expected)
    }

    @Test func workflowRulesCanRefuseThePipeline() async throws {
        let fixture = try GitLabFixture(Self.pipeline)
        defer { fixture.remove() }
        let scheduled = try await fixture.plan(GitLabFixture.context(source: "schedule"))
        #expect(!scheduled.isCreated)
        #expect(scheduled.jobs.isEmpty)
        var skipped = GitLabFixture.context()
        skipped.commitMessage = "wip [skip pipeline]"
        #expect(try await fixture.plan(skipped).notCreatedReason == "Pipeline filtered out by workflow rules.")
    }

    @Test func rulesDecideWhenAndAllowFailure() async throws {
        let fixture = try GitLabFixture(
            """
            job-manual:
              script: [a]
              when: manual
            rule-manual:
              script: [a]
              rules:
                - when: manual
            rule-manual-allowed:
              script: [a]
              rules:
                - when: manual
                  allow_failure: true
            job-manual-with-rules:
              script: [a]
              when: manual
              rules:
                - if: $CI
            delayed:
              script: [a]
              rules:
                - when: delayed
                  start_in: 2 minutes
            codes:
              script: [a]
              allow_failure:
                exit_codes: [3, 4]
            """)
        defer { fixture.remove() }
        var context = GitLabFixture.context()
        context.pipelineVariables = [GitLabVariable(name: "CI", value: "true")]
        let plan = try await fixture.plan(context)
        let byName = Dictionary(uniqueKeysWithValues: plan.jobs.map { ($0.name, $0) })
        #expect(byName["job-manual"]?.when == .manual)
        #expect(byName["job-manual"]?.allowFailure == .allowed(true))
        #expect(byName["rule-manual"]?.allowFailure == .allowed(false))
        #expect(byName["rule-manual-allowed"]?.allowFailure == .allowed(true))
        #expect(byName["job-manual-with-rules"]?.when == .manual)
        #expect(byName["job-manual-with-rules"]?.allowFailure == .allowed(true))
        #expect(byName["delayed"]?.when == .delayed)
        #expect(byName["delayed"]?.startIn == 120)
        #expect(byName["codes"]?.allowFailure == .exitCodes([3, 4]))
    }

    @Test func parallelInstancesAndNeeds() async throws {
        let fixture = try GitLabFixture(
            """
            build:
              stage: build
              script: [b]
              parallel:
                matrix:
                  - OS: [linux, mac]
                    ARCH: [amd64]
                  - OS: windows
            shard:
              stage: build
              script: [s]
              parallel: 3
            test-linux:
              script: [t]
              needs:
                - job: build
                  parallel:
                    matrix:
                      - OS: linux
                        ARCH: amd64
            test-all:
              script: [t]
              needs: [build, shard]
            """)
        defer { fixture.remove() }
        let plan = try await fixture.plan()
        #expect(
            Self.names(plan) == [
                "build: [linux, amd64]", "build: [mac, amd64]", "build: [windows]", "shard 1/3", "shard 2/3", "shard 3/3", "test-linux",
                "test-all",
            ])
        let linux = try #require(plan.jobs.first { $0.name == "test-linux" })
        #expect(linux.needs?.map(\.name) == ["build: [linux, amd64]"])
        let all = try #require(plan.jobs.first { $0.name == "test-all" })
        #expect(all.needs?.count == 6)
        let mac = try #require(plan.jobs.first { $0.name == "build: [mac, amd64]" })
        #expect(mac.variables.dictionary == ["OS": "mac", "ARCH": "amd64"])
        #expect(mac.nodeIndex == 2)
        #expect(mac.nodeTotal == 3)
    }

    @Test func aNeedLeftOutByRulesFailsCreationUnlessOptional() async throws {
        let fixture = try GitLabFixture(
            """
            sometimes:
              stage: build
              script: [a]
              rules:
                - if: $RUN_IT
            strict:
              script: [b]
              needs: [sometimes]
            lenient:
              script: [c]
              needs:
                - job: sometimes
                  optional: true
            """)
        defer { fixture.remove() }
        await #expect(throws: PipelinePlanner.Failure.self) { try await fixture.plan() }
        do {
            _ = try await fixture.plan()
        } catch let failure as PipelinePlanner.Failure {
            #expect(
                failure.messages.first?.hasPrefix("'strict' job needs 'sometimes' job, but 'sometimes' does not exist in the pipeline.")
                    == true)
        }
        let ran = try await fixture.plan(GitLabFixture.context(variables: ["RUN_IT": "1"]))
        #expect(ran.jobs.first { $0.name == "lenient" }?.needs?.map(\.name) == ["sometimes"])
    }

    @Test func rulesNeedsAndVariablesReplaceTheJobs() async throws {
        let fixture = try GitLabFixture(
            """
            build-dev:
              stage: build
              script: [a]
            build-prod:
              stage: build
              script: [a]
            test:
              script: [t]
              variables: {TARGET: dev, KEEP: yes}
              needs: [build-dev]
              rules:
                - if: $CI_COMMIT_BRANCH == "main"
                  needs: [build-prod]
                  variables: {TARGET: prod}
                - when: on_success
            """)
        defer { fixture.remove() }
        let main = try await fixture.plan(GitLabFixture.context(ref: "main"))
        let mainTest = try #require(main.jobs.first { $0.name == "test" })
        #expect(mainTest.needs?.map(\.name) == ["build-prod"])
        #expect(mainTest.variables.dictionary == ["TARGET": "prod", "KEEP": "yes"])
        let feature = try await fixture.plan(GitLabFixture.context(ref: "feature"))
        #expect(feature.jobs.first { $0.name == "test" }?.needs?.map(\.name) == ["build-dev"])
    }

    @Test func existsAndChangesExpandVariables() async throws {
        let fixture = try GitLabFixture(
            """
            variables: {DIR: services/api}
            has-dockerfile:
              script: [a]
              rules:
                - exists: [$DIR/Dockerfile]
            has-chart:
              script: [a]
              rules:
                - exists: ["charts/**/Chart.yaml"]
            api-changed:
              script: [a]
              rules:
                - changes: ["${DIR}/**/*"]
            """)
        defer { fixture.remove() }
        let files = ["services/api/Dockerfile", "services/api/main.go", "README.md"]
        let plan = try await fixture.plan(GitLabFixture.context(changed: ["README.md"], files: files))
        #expect(Self.names(plan) == ["has-dockerfile"])
        let changed = try await fixture.plan(
            GitLabFixture.context(changed: ["services/api/main.go"], files: files + ["charts/a/Chart.yaml"]))
        #expect(Self.names(changed) == ["has-dockerfile", "has-chart", "api-changed"])
    }

    @Test func noJobMeansNoPipeline() async throws {
        let fixture = try GitLabFixture("job:\n  script: [a]\n  rules: []\n")
        defer { fixture.remove() }
        let plan = try await fixture.plan()
        #expect(!plan.isCreated)
        #expect(plan.notCreatedReason?.contains("The rules configuration prevented any jobs from being added") == true)
    }

    @Test func onlyPreAndPostMeansNoPipeline() async throws {
        let fixture = try GitLabFixture("pre:\n  stage: .pre\n  script: [a]\nlater:\n  script: [b]\n  rules:\n    - if: $NEVER\n")
        defer { fixture.remove() }
        #expect(try await fixture.plan().isCreated == false)
    }

    @Test(arguments: [
        (["main"], "main", false, true), (["main"], "dev", false, false), (["/^release\\/.*$/"], "release/1.0", false, true),
        (["/^release/"], "feature", false, false), (["branches"], "main", false, true), (["branches"], "v1", true, false),
        (["tags"], "v1", true, true), (["main@local/project"], "main", false, true), (["main@other/project"], "main", false, false),
    ])
    func onlyRefs(_ refs: [String], ref: String, tag: Bool, included: Bool) async throws {
        let list = refs.map { "\"\($0.replacingOccurrences(of: "\\", with: "\\\\"))\"" }.joined(separator: ", ")
        let fixture = try GitLabFixture("job:\n  script: [a]\n  only: [\(list)]\nother:\n  script: [b]\n")
        defer { fixture.remove() }
        let plan = try await fixture.plan(GitLabFixture.context(ref: ref, tag: tag))
        #expect(plan.jobs.contains { $0.name == "job" } == included)
    }

    /// `only: changes` / `except: changes` (GitLab's older form of `rules: changes`): globs against the push's files;
    /// without a list of changed files (a new branch, a trigger) `changes` holds, as gitlabhq's `Policy::Changes` has
    /// it — so an `except: changes` job is left out.
    @Test(arguments: [
        (["docs/guide.md"], ["docs", "all"]), (["src/main.go"], ["code", "all"]), ([String]?.none, ["docs", "all"]),
    ])
    func onlyAndExceptChanges(_ changed: [String]?, _ expected: [String]) async throws {
        let fixture = try GitLabFixture(
            """
            docs:
              script: [a]
              only:
                changes: ["docs/**/*"]
            code:
              script: [b]
              except:
                changes: ["docs/**/*", "*.md"]
            all:
              script: [c]
            """)
        defer { fixture.remove() }
        let plan = try await fixture.plan(GitLabFixture.context(changed: changed))
        #expect(plan.jobs.map(\.name).sorted() == expected.sorted())
    }
}
