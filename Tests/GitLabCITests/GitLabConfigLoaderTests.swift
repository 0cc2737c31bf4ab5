import Core
import Foundation
import GitLabCI
import SlipwayTesting
import Testing

/// `.gitlab-ci.yml` reading: GitLab's message for each mistake at its line and column, and the features that
/// reshape a file before planning (`extends`, `!reference`, anchors, merge keys, `include: local`, `default:`).
@Suite struct GitLabConfigLoaderTests {
    @Test(arguments: [
        ("job:\n  script: echo\n  scrpit: oops\n", "3:3: jobs:job config contains unknown keys: scrpit"),
        ("job:\n  when: never\n  script: echo\n", "2:9: jobs:job when:never can only be used in a rules section or workflow:rules"),
        ("job:\n  when: sometimes\n  script: echo\n", "jobs:job when should be one of: on_success, on_failure, always, manual, delayed"),
        (
            "job:\n  stage: nowhere\n  script: echo\n",
            "job job: chosen stage nowhere does not exist; available stages are .pre, build, test, deploy, .post"
        ),
        ("job:\n  image: alpine\n", "jobs:job config should implement the script:, run:, or trigger: keyword"),
        (".hidden:\n  script: echo\n", "jobs config should contain at least one visible job"),
        ("job:\n  script: echo\n  needs: [other]\n", "job job: undefined need: other"),
        (
            "build:\n  stage: build\n  script: echo\n  needs: [test]\ntest:\n  script: echo\n",
            "build job: need test is not defined in current or prior stages"
        ),
        ("a:\n  script: echo\n  needs: [b]\nb:\n  script: echo\n  needs: [a]\n", "The pipeline has circular dependencies"),
        ("job:\n  script: echo\n  needs: [job]\n", "The pipeline has circular dependencies"),
        (
            "job:\n  script: echo\n  dependencies: [later]\nlater:\n  stage: deploy\n  script: echo\n",
            "job job: dependency later is not defined in current or prior stages"
        ),
        ("job:\n  script: echo\n  dependencies: [ghost]\n", "job job: undefined dependency: ghost"),
        ("job:\n  extends: .base\n  script: echo\n", "job: unknown keys in `extends` (.base)"),
        (".a:\n  extends: .b\n.b:\n  extends: .a\njob:\n  extends: .a\n  script: echo\n", "circular dependency detected in `extends`"),
        ("job:\n  script:\n    - !reference [job, script]\n", "!reference [\"job\", \"script\"] is part of a circular chain"),
        ("job:\n  script:\n    - !reference [.missing, script]\n", "!reference [\".missing\", \"script\"] could not be found"),
        ("job:\n  script: echo\n  rules:\n    - if: '${CI} == \"true\"'\n", "jobs:job:rules:rule if invalid expression syntax"),
        ("job:\n  script: echo\n  rules:\n    - iff: $CI\n", "jobs:job:rules:rule config contains unknown keys: iff"),
        ("job:\n  script: echo\n  rules:\n    - when: often\n", "jobs:job:rules:rule when unknown value: often"),
        ("job:\n  script: echo\n  retry: 3\n", "jobs:job:retry max config must be less than or equal to 2"),
        ("job:\n  script: echo\n  retry:\n    max: 1\n    when: [flaky]\n", "jobs:job:retry when contains unknown values: flaky"),
        ("job:\n  script: echo\n  when: delayed\n", "jobs:job start in can't be blank"),
        ("job:\n  script: echo\n  start_in: 5 minutes\n", "jobs:job start in should be blank"),
        ("job:\n  script: echo\n  timeout: soon\n", "jobs:job timeout should be a duration"),
        (
            "job:\n  script: echo\n  allow_failure:\n    exit_codes: [one]\n",
            "jobs:job allow failure exit codes should be an integer or an array of integers"
        ),
        ("job:\n  script: echo\n  rules:\n    - if: $CI\n  only: [main]\n", "jobs:job may not use rules with: only"),
        ("job:\n  script: echo\n  parallel: 500\n", "jobs:job:parallel config must be less than or equal to 200"),
        ("job:\n  script: echo\n  artifacts:\n    pathz: [a]\n", "jobs:job:artifacts config contains unknown keys: pathz"),
        ("job:\n  script: echo\n  environment:\n    url: http://x\n", "jobs:job:environment name can't be blank"),
        ("job:\n  script: echo\n  cache:\n    policy: sometimes\n", "jobs:job:cache policy should be pull-push, push, or pull"),
        ("include: missing.yml\njob:\n  script: echo\n", "Local file `missing.yml` does not exist!"),
        ("include:\n  remote: https://example.com/ci.yml\njob:\n  script: echo\n", "include:remote is not available"),
        ("", "Please provide content of .gitlab-ci.yml"),
        ("- a\n- b\n", "Invalid configuration format"),
        ("job:\n  script: [echo\n", "YAML syntax error"),
        ("workflow:\n  rules:\n    - when: manual\njob:\n  script: echo\n", "workflow:rules:rule when unknown value: manual"),
        ("default:\n  stage: build\njob:\n  script: echo\n", "default config contains unknown keys: stage"),
    ])
    func invalid(_ text: String, expected: String) async throws {
        let fixture = try GitLabFixture(text)
        defer { fixture.remove() }
        let problems = await fixture.problems()
        #expect(problems.contains { $0.contains(expected) }, "\(problems)")
    }

    @Test func everyProblemHasALocation() async throws {
        let fixture = try GitLabFixture("a:\n  script: echo\n  bogus: 1\nb:\n  script: echo\n  when: never\n")
        defer { fixture.remove() }
        let problems = await fixture.problems()
        #expect(
            problems == [
                "3:3: jobs:a config contains unknown keys: bogus",
                "6:9: jobs:b when:never can only be used in a rules section or workflow:rules",
            ])
    }

    @Test func extendsMergesDeeplyAndReplacesLists() async throws {
        let fixture = try GitLabFixture(
            """
            .base:
              variables: {A: base, B: base}
              script: [echo base]
              tags: [x]
            .middle:
              extends: .base
              variables: {B: middle}
            job:
              extends: .middle
              variables: {C: job}
              script: [echo job]
            """)
        defer { fixture.remove() }
        let job = try #require(try await fixture.load().job(named: "job"))
        #expect(job.variables.dictionary == ["A": "base", "B": "middle", "C": "job"])
        #expect(job.script == ["echo job"])
        #expect(job.tags == ["x"])
    }

    @Test func referencesAnchorsAndMergeKeys() async throws {
        let fixture = try GitLabFixture(
            """
            .setup:
              script:
                - echo one
                - echo two
              variables: {X: from-setup}
            .defaults: &defaults
              stage: build
              retry: 1
            job:
              <<: *defaults
              variables:
                X: !reference [.setup, variables, X]
              script:
                - echo first
                - !reference [.setup, script]
                - [echo nested]
            """)
        defer { fixture.remove() }
        let job = try #require(try await fixture.load().job(named: "job"))
        #expect(job.script == ["echo first", "echo one", "echo two", "echo nested"])
        #expect(job.variables.dictionary == ["X": "from-setup"])
        #expect(job.stage == "build")
        #expect(job.retry.max == 1)
    }

    @Test func includesLocalFilesUnderTheMainFile() async throws {
        let fixture = try GitLabFixture(
            """
            include:
              - local: ci/base.yml
              - ci/more/*.yml
            variables: {WHO: main}
            job:
              script: [echo main]
            """,
            files: [
                "ci/base.yml": "variables: {WHO: base, BASE: yes}\njob:\n  stage: build\n  script: [echo base]\n",
                "ci/more/extra.yml": "extra:\n  script: [echo extra]\n",
            ])
        defer { fixture.remove() }
        let config = try await fixture.load()
        #expect(config.variables.dictionary == ["WHO": "main", "BASE": "yes"])
        #expect(config.job(named: "job")?.stage == "build")
        #expect(config.job(named: "job")?.script == ["echo main"])
        #expect(config.job(named: "extra") != nil)
        #expect(config.files == [".gitlab-ci.yml", "ci/base.yml", "ci/more/extra.yml"])
    }

    /// `include: project` from a local checkout named by `--repo-map` (the loader's project map): the working tree, or
    /// with `ref:` the file at that ref; an unmapped project is refused with the way to map it.
    @Test func includesProjectFilesFromMappedCheckouts() async throws {
        let shared = try TemporaryRepository.make()
        defer { shared.remove() }
        try shared.write("templates/deploy.yml", "deploy:\n  stage: deploy\n  script: [echo from v1]\n")
        try shared.commitAll("v1")
        try shared.git(["tag", "v1"])
        try shared.write("templates/deploy.yml", "deploy:\n  stage: deploy\n  script: [echo from main]\n")
        let text = """
            include:
              - project: our-org/ci-templates
                ref: REF
                file: /templates/deploy.yml
            build:
              script: [echo build]
            """
        let atTag = try GitLabFixture(text.replacingOccurrences(of: "REF", with: "v1"))
        defer { atTag.remove() }
        let config = try await GitLabConfigLoader(repositoryRoot: atTag.root, projectMap: ["our-org/ci-templates": shared.path]).load()
        #expect(config.job(named: "deploy")?.script == ["echo from v1"])
        #expect(config.files.contains("our-org/ci-templates:templates/deploy.yml"), "\(config.files)")
        let workingTree = try GitLabFixture(text.replacingOccurrences(of: "    ref: REF\n", with: ""))
        defer { workingTree.remove() }
        let current = try await GitLabConfigLoader(repositoryRoot: workingTree.root, projectMap: ["our-org/ci-templates": shared.path])
            .load()
        #expect(current.job(named: "deploy")?.script == ["echo from main"])
        let unmapped = await atTag.problems()
        #expect(unmapped.contains { $0.contains("Project `our-org/ci-templates` not found or access denied!") }, "\(unmapped)")
    }

    @Test func defaultsApplyUnlessInheritSaysOtherwise() async throws {
        let fixture = try GitLabFixture(
            """
            default:
              before_script: [echo default]
              retry: 2
            variables: {G1: one, G2: two}
            a:
              script: [echo a]
            b:
              inherit:
                default: [retry]
                variables: [G2]
              script: [echo b]
            c:
              inherit:
                default: false
                variables: false
              before_script: [echo own]
              script: [echo c]
            """)
        defer { fixture.remove() }
        let config = try await fixture.load()
        #expect(config.job(named: "a")?.beforeScript == ["echo default"])
        #expect(config.job(named: "a")?.retry.max == 2)
        #expect(config.job(named: "b")?.beforeScript == [])
        #expect(config.job(named: "b")?.retry.max == 2)
        #expect(config.job(named: "b")?.inheritedVariables == ["G2"])
        #expect(config.job(named: "c")?.beforeScript == ["echo own"])
        #expect(config.job(named: "c")?.retry.max == 0)
        #expect(config.job(named: "c")?.inheritedVariables == [])
    }

    @Test func stagesGetPreAndPost() async throws {
        let fixture = try GitLabFixture("stages: [one, two]\njob:\n  stage: two\n  script: echo\n")
        defer { fixture.remove() }
        #expect(try await fixture.load().stages == [".pre", "one", "two", ".post"])
    }

    @Test func unhonouredKeysAreWarnings() async throws {
        let fixture = try GitLabFixture("job:\n  script: echo\n  tags: [docker]\n  coverage: '/\\d+%/'\n")
        defer { fixture.remove() }
        let warnings = try await fixture.load().warnings.map(\.message)
        #expect(warnings.contains { $0.hasPrefix("tags is read but not acted on") })
        #expect(warnings.contains { $0.hasPrefix("coverage is read but not acted on") })
    }

    @Test(arguments: [
        ("30", 30.0), ("1h 30m", 5400), ("2 hours", 7200), ("1 hour and 30 minutes", 5400), ("3 days", 259_200), ("1 week", 604_800),
        ("90 seconds", 90), ("1h30m", 5400), ("10m", 600),
    ])
    func durations(_ text: String, seconds: Double) {
        #expect(GitLabDuration.seconds(text) == seconds)
    }

    @Test(arguments: ["soon", "", "5 fortnights", "1h x"])
    func notDurations(_ text: String) {
        #expect(GitLabDuration.seconds(text) == nil)
    }

    @Test func lintAdvisesWhenAManualGateDoesNotBlock() async throws {
        let fixture = try GitLabFixture(
            """
            stages: [deploy, promote, cleanup]
            deploy:
              stage: deploy
              script: [a]
            promote:
              stage: promote
              script: [b]
              when: manual
              rules:
                - if: $CI_PIPELINE_SOURCE == "trigger"
            gate:
              stage: promote
              script: [b]
              when: manual
              allow_failure: false
            cleanup:
              stage: cleanup
              script: [c]
            """)
        defer { fixture.remove() }
        let advice = try await fixture.load().advice
        #expect(advice.count == 1)
        #expect(advice.first?.message.hasPrefix("promote is a manual job that does not block: cleanup run without waiting for it") == true)
        #expect(advice.first?.location?.line == 5)
    }
}
