import BuiltinActions
import Core
import Expressions
import Foundation
import Runner
import SlipwayTesting
import Testing
import Workflows

/// act's own runner scenarios that need no Docker, run by Slipway with the outcome act's tests expect.
@Suite(
    .serialized,
    .enabled(
        if: ConformanceData.shouldRun("act-testdata"),
        "act's test data is not here (../shared/conformance/act-testdata; set SLIPWAY_CONFORMANCE_DIR)")
)
struct ActScenarioTests {
    struct Scenario: Sendable, CustomTestStringConvertible {
        let directory: String
        let event: String
        let succeeds: Bool
        var secrets: [String: String] = [:]
        var eventFile: String?
        /// `--env` / `--env-file` values (act's test passes the scenario's `.env`).
        var env: [String: String] = [:]
        /// act's tests run inside act's own clone: origin github.com/nektos/act, actor nektos/act.
        var insideNektosAct = false
        /// The workflow is invalid, so nothing runs (act's tests expect an error before any job).
        var rejected = false
        var testDescription: String { "\(directory) (\(event)) → \(rejected ? "rejected" : succeeds ? "success" : "failure")" }
    }

    static let scenarios: [Scenario] = [
        .init(directory: "outputs", event: "push", succeeds: true),
        .init(directory: "evalmatrix", event: "push", succeeds: true),
        .init(directory: "evalmatrixneeds", event: "push", succeeds: true),
        .init(directory: "evalmatrixneeds2", event: "push", succeeds: true),
        .init(directory: "evalmatrix-merge-array", event: "push", succeeds: true),
        .init(directory: "evalmatrix-merge-map", event: "push", succeeds: true),
        .init(directory: "env-and-path", event: "push", succeeds: true),
        .init(directory: "environment-files", event: "push", succeeds: true),
        .init(directory: "environment-files-parser-bug", event: "push", succeeds: true),
        .init(directory: "environment-variables", event: "push", succeeds: true),
        .init(directory: "evalenv", event: "push", succeeds: true),
        .init(directory: "steps-context/conclusion", event: "push", succeeds: true),
        .init(directory: "steps-context/outcome", event: "push", succeeds: true),
        .init(directory: "commands", event: "push", succeeds: true),
        .init(directory: "defaults-run", event: "push", succeeds: true),
        .init(directory: "job-needs-context-contains-result", event: "push", succeeds: true),
        .init(directory: "if-env-act", event: "push", succeeds: true),
        .init(directory: "nix-prepend-path", event: "push", succeeds: true),
        .init(directory: "do-not-leak-step-env-in-composite", event: "push", succeeds: true),
        .init(directory: "act-composite-env-test", event: "push", succeeds: true),
        .init(directory: "mask-values", event: "push", succeeds: true),
        .init(directory: "set-env-new-env-file-per-step", event: "push", succeeds: true),
        .init(directory: "set-env-step-env-override", event: "push", succeeds: true),
        .init(directory: "workdir", event: "push", succeeds: true),
        .init(directory: "inputs-via-env-context", event: "push", succeeds: true),
        .init(directory: "pull-request", event: "pull_request", succeeds: true, eventFile: "pull-request/event.json"),
        .init(directory: "job-status-check", event: "push", succeeds: false),
        .init(directory: "if-expressions", event: "push", succeeds: false),
        .init(directory: "matrix-exitcode", event: "push", succeeds: false),
        .init(directory: "checkout", event: "push", succeeds: true),
        .init(directory: "uses-composite", event: "push", succeeds: true),
        .init(directory: "uses-composite-with-error", event: "push", succeeds: false),
        .init(directory: "runs-on", event: "push", succeeds: true, insideNektosAct: true),
        .init(directory: "issue-1195", event: "push", succeeds: true, insideNektosAct: true),
        .init(directory: "matrix", event: "push", succeeds: true),
        .init(directory: "matrix-include-exclude", event: "push", succeeds: true),
        .init(directory: "fail", event: "push", succeeds: false),
        .init(
            directory: "secrets", event: "push", succeeds: true,
            secrets: ["MY_SECRET": "top-secret", "MULTILINE_SECRET": "foo\nbar\nbaz", "JSON_SECRET": #"{"foo": "bar"}"#],
            env: ["HELLO": "WORLD", "MULTILINE_ENV": "foo\nbar\nbaz"]
        ),
        .init(directory: "workflow_dispatch", event: "workflow_dispatch", succeeds: true, eventFile: "workflow_dispatch/event.json"),
        .init(directory: "workflow_dispatch-scalar", event: "workflow_dispatch", succeeds: true),
        .init(directory: "workflow_dispatch-scalar-composite-action", event: "workflow_dispatch", succeeds: true),
        .init(directory: "workflow_dispatch_no_inputs_mapping", event: "workflow_dispatch", succeeds: true),
        .init(directory: "job-nil-step", event: "push", succeeds: false, rejected: true),
        .init(directory: "uses-and-run-in-one-step", event: "push", succeeds: false, rejected: true),
        .init(directory: "uses-github-empty", event: "push", succeeds: false, rejected: true),
        .init(directory: "uses-github-noref", event: "push", succeeds: false, rejected: true),
    ]

    /// act's scenarios inside the shared conformance data.
    static let dataDirectory = "act-testdata"

    @Test(arguments: scenarios)
    func scenario(_ scenario: Scenario) async throws {
        let repo = try TemporaryRepository.make(copying: try ConformanceData.require(Self.dataDirectory))
        defer { repo.remove() }
        if scenario.insideNektosAct {
            try repo.git(["remote", "add", "origin", "https://github.com/nektos/act.git"])
            try repo.git(["config", "user.name", "nektos/act"])
        }
        let directory = "\(repo.path)/\(scenario.directory)"
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".yml") || $0.hasSuffix(".yaml") }
        var payload = ExpressionObject([("ref", "refs/heads/main")])
        if let eventFile = scenario.eventFile,
            case .object(let given) = try JSON.parse(String(contentsOfFile: "\(repo.path)/\(eventFile)", encoding: .utf8))
        {
            for (k, v) in given.pairs { payload = payload.setting(k, v) }
        }
        let event = WorkflowEvent(
            name: scenario.event, ref: "refs/heads/main", sha: String(repeating: "a", count: 40),
            baseRef: payload["pull_request"]?["base"]["ref"].stringValue, headRef: payload["pull_request"]?["head"]["ref"].stringValue,
            inputs: Dictionary(uniqueKeysWithValues: (payload["inputs"]?.objectValue?.pairs ?? []).map { ($0.0, $0.1.coercedString) }),
            payload: payload
        )
        var results: [Conclusion] = []
        for file in files.sorted() {
            let text = try String(contentsOfFile: "\(directory)/\(file)", encoding: .utf8)
            if scenario.rejected {
                #expect(throws: Diagnostics.self) { try WorkflowLoader.load(text: text, path: "\(scenario.directory)/\(file)") }
                results.append(.failure)
                continue
            }
            let workflow = try WorkflowLoader.load(text: text, path: "\(scenario.directory)/\(file)")
            guard workflow.triggers.contains(where: { $0.matches(event) }) else { continue }
            var options = RunOptions(
                repositoryRoot: repo.path, event: event, secrets: scenario.secrets, env: scenario.env,
                stateDirectory: "\(repo.path)/.slipway")
            options.actions = StandardActions.registry
            let record = await WorkflowRunner(workflow: workflow, options: options, reporter: SilentReporter()).run()
            results.append(record.result)
            if scenario.succeeds {
                let failures = record.jobs.filter { $0.result == .failure }.map {
                    "\($0.name): \($0.failureReason ?? "") \($0.log.suffix(5).joined(separator: " / "))"
                }
                #expect(record.result == .success, "\(failures)")
            }
        }
        #expect(!results.isEmpty, "no workflow in \(scenario.directory) matched \(scenario.event)")
        if !scenario.succeeds {
            #expect(results.contains(.failure))
        }
    }
}
