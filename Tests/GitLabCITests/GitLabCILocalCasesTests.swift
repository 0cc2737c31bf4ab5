import Core
import Foundation
import GitLabCI
import Runner
import SlipwayTesting
import Testing

/// gitlab-ci-local's test pipelines (read from `../shared/conformance/gitlab-ci-local-testcases/` at test time),
/// each copied into a scratch git repository and run for real, every job in its own worktree. The expectations are
/// GitLab's behaviour; where gitlab-ci-local's own assertions differ that is said beside the case.
@Suite(.serialized) struct GitLabCILocalCasesTests {
    static let directory = "gitlab-ci-local-testcases"

    enum Expectation: Sendable {
        case invalid(String)
        case creationFails(String)
        case notCreated
        case pipeline(GitLabJobStatus, [String: GitLabJobStatus], logs: [String: [String]] = [:], absent: [String] = [])
    }

    struct Case: Sendable, CustomStringConvertible {
        var directory: String
        var file = ".gitlab-ci.yml"
        var variables: [String: String] = [:]
        var files: [String: String] = [:]
        var expectation: Expectation
        var description: String { "\(directory)/\(file) \(variables)" }
    }

    static let cases: [Case] = [
        Case(
            directory: "before-script",
            expectation: .pipeline(.success, ["test-job": .success], logs: ["test-job": ["Before test", "Test something"]])),
        Case(
            directory: "after-script",
            expectation: .pipeline(
                .failed, ["build-job": .success, "test-job": .success, "deploy-job": .success, "post-job": .failed],
                logs: ["deploy-job": ["success"], "post-job": ["failed"]])),
        Case(directory: "concurrency", expectation: .pipeline(.success, ["one": .success, "two": .success])),
        Case(
            directory: "extends",
            expectation: .pipeline(
                .success, ["test-job": .success],
                logs: ["test-job": ["Test something (before_script)", "Test something", "Test something (after_script)"]],
                absent: ["Should not be printed"])),
        Case(directory: "reference", expectation: .pipeline(.success, ["test-job": .success], logs: ["test-job": ["Ancient", "Yoyo"]])),
        Case(directory: "reference-circular-chain", expectation: .invalid("is part of a circular chain")),
        Case(directory: "when", expectation: .invalid("jobs:test-job when:never can only be used in a rules section or workflow:rules")),
        Case(directory: "never", expectation: .pipeline(.success, ["test-job": .success])),
        Case(
            directory: "never-needs",
            expectation: .creationFails("'test-job' job needs 'never-job' job, but 'never-job' does not exist in the pipeline")),
        Case(
            directory: "needs-invalid-stage",
            expectation: .invalid("build-job job: need test-job is not defined in current or prior stages")),
        Case(directory: "needs-unspecified-job", expectation: .invalid("test-job job: undefined need: invalid")),
        Case(directory: "self-dependency", expectation: .invalid("The pipeline has circular dependencies")),
        Case(directory: "stage-not-found", expectation: .invalid("chosen stage invalid does not exist")),
        Case(directory: "invalid-stages", expectation: .invalid("stages config should be an array of strings")),
        // gitlab-ci-local runs this and ignores `dependencies`; GitLab refuses dependencies outside `needs`.
        Case(directory: "needs-empty", expectation: .invalid("deploy-job job: dependencies the one, two should be part of needs")),
        Case(directory: "needs-optional", expectation: .pipeline(.success, ["executed-job": .success])),
        Case(directory: "needs-same-stage", expectation: .pipeline(.success, ["build-job": .success, "test-job": .success])),
        Case(
            directory: "needs-sequence",
            expectation: .pipeline(
                .success,
                ["pre-job": .success, "build-job": .success, "test-job": .success, "deploy-job": .success, "no-needs-job": .success])),
        Case(
            directory: "needs-parallel",
            expectation: .pipeline(.success, ["pre-job": .success, "build-job": .success, "test-job": .success, "deploy-job": .success])),
        Case(directory: "when-always", expectation: .pipeline(.failed, ["build-job": .failed, "test-job": .success])),
        Case(
            directory: "when-on-failure",
            expectation: .pipeline(.failed, ["pre-job": .success, "build-job": .failed, "test-job": .success, "deploy-job": .skipped])),
        Case(
            directory: "script-failures",
            expectation: .pipeline(
                .failed,
                [
                    "test-job": .failed, "test-job-after-script": .failed, "allow-failure-job": .failed, "deploy-job": .skipped,
                    "exit_code[number] allowed": .failed, "exit_code[number[]] not allowed": .failed,
                    "rules:allow_failure precedence": .failed, "rules:without allow_failure": .failed,
                ],
                logs: ["test-job": ["Something in the log"], "allow-failure-job": ["This is printed right before the failure"]])),
        // A rule's `when: manual` blocks: everything after it waits, and the pipeline is blocked (`manual`).
        Case(
            directory: "manual",
            expectation: .pipeline(.manual, ["pre-job": .manual, "build-job": .created, "test-job": .created, "deploy-job": .created])),
        Case(
            directory: "parallel-matrix",
            expectation: .pipeline(
                .success,
                [
                    "build-job: [foo]": .success, "build-job: [bar]": .success, "build-job: [beb]": .success,
                    "test-job: [foo, dev]": .success,
                    "test-job: [bar, pro]": .success, "test-job: [beb]": .success,
                ],
                logs: ["build-job: [bar]": ["NAME:'bar' 2/3"], "test-job: [bar, sta]": ["NAME:'bar' TIER:'sta' 5/7"]])),
        Case(
            directory: "rules-exists",
            files: ["exists.file": "x", "existsDir/a.txt": "x", "existsDir/existDirNested/recursive.file": "x"],
            expectation: .pipeline(
                .success,
                [
                    "executed-job-file": .success, "executed-job-paths": .success, "executed-job-dir": .success,
                    "executed-job-dir-recursive": .success, "var-expand-test": .success,
                ],
                absent: ["File Skipped!", "Directory Skipped!"])),
        Case(directory: "rules-blank", expectation: .notCreated),
        // GitLab's lexer has no `${VAR}`: the file is refused (gitlab-ci-local evaluates the rule as false).
        Case(directory: "rules-curly-bracket-if", expectation: .invalid("jobs:job:rules:rule if invalid expression syntax")),
        Case(directory: "rules-changes", expectation: .pipeline(.success, ["alpine": .success, "matrix: [foo]": .success])),
        Case(
            directory: "variables-null",
            expectation: .pipeline(.success, ["test-job": .success], logs: ["test-job": ["EMPTY_GLOBAL_VAR:", "EMPTY_JOB_VAR:"]])),
        Case(
            directory: "variable-escaping",
            expectation: .pipeline(
                .success, ["test $ character in CI/CD variable": .success],
                logs: ["test $ character in CI/CD variable": ["ls \"-al\" $TMP_DIR"]])),
        Case(
            directory: "variable-order",
            expectation: .pipeline(
                .success, ["test-job": .success],
                logs: [
                    "test-job": [
                        "PIPELINE_VARIABLE=pipeline-value", "OVERRIDDEN_BY_JOB=job-value", "CI_PIPELINE_ID=pipeline-value",
                        "CI_JOB_ID=job-value",
                    ]
                ])),
        Case(
            directory: "environment",
            expectation: .pipeline(
                .success, ["deploy-dev-job": .success, "deploy-stage-job": .success, "deploy-stage-job-with-expansion": .success],
                logs: [
                    "deploy-stage-job": ["stage-domain", "Stage Domain", "http://stage.domain.com", "stop", "production"],
                    "deploy-stage-job-with-expansion": ["stage-domain-foobar-long-string"],
                ])),
        Case(
            directory: "workflow-rules-variables",
            expectation: .pipeline(.success, ["test-job": .success], logs: ["test-job": ["WORKFLOW_VAR=from-workflow-rules"]])),
        Case(
            directory: "cli-option-variables", variables: ["CLI_VAR": "hello-cli", "CLI_MULTILINE": "line one\nline two"],
            expectation: .pipeline(.success, ["test-job": .success], logs: ["test-job": ["hello-cli", "line two"]])),
        Case(
            directory: "validate-dependency-chain", variables: ["TEST_DEPENDENCIES": "true"],
            expectation: .pipeline(.failed, ["build-job-1": .success, "broken-dependencies-job": .failed])),
        Case(directory: "validate-dependency-chain", expectation: .notCreated),
        Case(
            directory: "artifacts-dotenv",
            expectation: .pipeline(
                .failed, ["build-image-ref": .success, "use-image-ref": .success], logs: ["use-image-ref": ["Image alpine is not used"]])),
        Case(
            directory: "predefined-variables",
            expectation: .pipeline(
                .success, ["test-job": .success, "shell-isolation": .success],
                logs: ["test-job": ["CI_PIPELINE_SOURCE=push", "GITLAB_CI=true", "CI_JOB_NAME=test-job"]])),
    ]

    @Test(.enabled(if: ConformanceData.shouldRun(directory)), arguments: cases)
    func gitlabCILocalCase(_ testCase: Case) async throws {
        let source = try ConformanceData.require("\(Self.directory)/\(testCase.directory)")
        let repository = try TemporaryRepository.make(copying: source)
        defer { repository.remove() }
        for (path, text) in testCase.files { try repository.write(path, text) }
        if !testCase.files.isEmpty { try repository.commitAll("fixture files") }
        let config: GitLabConfig
        do {
            config = try await GitLabConfigLoader(repositoryRoot: repository.path, configPath: testCase.file).load()
        } catch {
            guard case .invalid(let expected) = testCase.expectation else {
                Issue.record("unexpectedly invalid: \(error)")
                return
            }
            #expect(error.description.contains(expected), "\(error)")
            return
        }
        if case .invalid(let expected) = testCase.expectation {
            Issue.record("expected the file to be refused with \(expected)")
            return
        }
        let variables = testCase.variables.sorted { $0.key < $1.key }.map { GitLabVariable(name: $0.key, value: $0.value) }
        let context = await PipelineContext.fromRepository(
            root: repository.path, source: "push", ref: nil, before: nil, variables: variables)
        let plan: PipelinePlan
        do {
            plan = try PipelinePlanner(config: config, context: context).plan()
        } catch {
            guard case .creationFails(let expected) = testCase.expectation else {
                Issue.record("pipeline unexpectedly not created: \(error)")
                return
            }
            #expect(error.description.contains(expected), "\(error)")
            return
        }
        let result = await PipelineRunner(
            config: config, plan: plan, context: context,
            options: PipelineRunOptions(repositoryRoot: repository.path, configPath: testCase.file)
        ).run()
        switch testCase.expectation {
        case .notCreated:
            #expect(result.status == .skipped)
            #expect(result.jobs.isEmpty)
            #expect(result.notCreatedReason != nil)
        case .pipeline(let status, let jobs, let logs, let absent):
            let byName = Dictionary(result.jobs.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
            for (name, expected) in jobs {
                #expect(byName[name]?.status == expected, "\(name): \(byName[name]?.log ?? [])")
            }
            for (name, lines) in logs {
                let log = byName[name]?.log ?? []
                for line in lines { #expect(log.contains { $0.contains(line) }, "\(name) log lacks \(line): \(log)") }
            }
            for text in absent { #expect(!result.jobs.flatMap(\.log).contains { $0.contains(text) }, "\(text) was printed") }
            if !jobs.isEmpty { #expect(result.status == status, "\(result.jobs.map { "\($0.name)=\($0.status)" })") }
        default:
            Issue.record("expected \(testCase.expectation), got a pipeline \(result.status)")
        }
    }
}
