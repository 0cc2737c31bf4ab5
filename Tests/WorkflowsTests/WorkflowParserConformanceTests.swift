import Core
import Foundation
import SlipwayTesting
import Testing

@testable import Workflows

/// GitHub's workflow-parser corpus (actions/languageservices): every error case must be rejected with the expected
/// line, column and message, every valid workflow accepted.
@Suite(
    .enabled(
        if: ConformanceData.shouldRun(WorkflowParserCase.dataDirectory),
        "GitHub's workflow-parser cases are not here (../shared/conformance/languageservices-workflow-parser; set SLIPWAY_CONFORMANCE_DIR)")
)
struct WorkflowParserConformanceTests {
    static let cases: [WorkflowParserCase] = (try? WorkflowParserCase.load()) ?? []

    @Test func corpusIsComplete() throws {
        _ = try ConformanceData.require(WorkflowParserCase.dataDirectory)
        #expect(Self.cases.count == 195)
        #expect(Self.cases.filter { $0.errors != nil && $0.name.hasPrefix("errors-") }.count == 81)
    }

    static func load(_ c: WorkflowParserCase) -> Result<Workflow, Diagnostics> {
        let called = c.called
        let resolver = ReusableWorkflowResolver { reference throws(ReusableWorkflowResolver.Failure) in
            guard let text = called[reference] else { throw .notMapped(reference) }
            return WorkflowSource(path: reference, text: text)
        }
        do {
            return .success(try WorkflowLoader.load(text: c.workflow, path: ".github/workflows/\(c.name)", resolver: resolver))
        } catch {
            return .failure(error)
        }
    }

    /// Cases whose expectation GitHub itself no longer meets: the corpus predates the change.
    static let outdated: [String: String] = [
        "errors-anchor-tag.yml": "GitHub accepts YAML anchors and aliases since 2025-09 (merge keys are still refused)",
        "events-single-invalid.yml":
            "an expectation of the TypeScript parser alone (Go and C# skip it): GitHub's own parser ignores unknown "
            + "workflow_dispatch keys, as on-workflow_dispatch-unknown-keys-ignored.yml records; Slipway warns",
    ]

    @Test(arguments: cases.filter { outdated[$0.name] == nil && notAsserted[$0.name] == nil })
    func conformance(_ c: WorkflowParserCase) {
        let result = Self.load(c)
        switch (result, c.errors) {
        case (.success, nil):
            break
        case (.failure(let diagnostics), nil):
            Issue.record("valid workflow rejected:\n\(diagnostics)")
        case (.success, .some(let expected)):
            Issue.record("accepted, expected \(expected.map(\.message))")
        case (.failure(let diagnostics), .some(let expected)):
            for error in expected {
                guard let line = error.line, let column = error.column else {
                    // Cases that drop positions (include-source: false) still name the problem.
                    let message = error.message.replacingOccurrences(of: ".github/workflows/\(c.name): ", with: "")
                    #expect(diagnostics.items.contains { $0.message == message }, "\(message)\n got: \(diagnostics)")
                    continue
                }
                let here = diagnostics.items.filter { $0.location?.line == line && $0.location?.column == column }
                #expect(here.contains { $0.message == error.message }, "\(line):\(column) \(error.message)\n got: \(diagnostics)")
            }
        }
    }

    @Test func anchorsAndAliasesAreAcceptedAndMergeKeysRefused() throws {
        let anchored = try #require(Self.cases.first { $0.name == "errors-anchor-tag.yml" })
        if case .failure(let diagnostics) = Self.load(anchored) { Issue.record("anchors refused: \(diagnostics)") }
        let text = """
            on: push
            env: &shared
              LEVEL: 1
            jobs:
              a:
                runs-on: ubuntu-latest
                env: *shared
                steps:
                  - &step
                    run: echo $LEVEL
                  - *step
              b:
                runs-on: ubuntu-latest
                env:
                  <<: *shared
                steps:
                  - run: echo merged
            """
        do {
            _ = try WorkflowLoader.load(
                text: text, path: ".github/workflows/anchors.yml",
                resolver: ReusableWorkflowResolver { _ throws(ReusableWorkflowResolver.Failure) in throw .notMapped("") })
            Issue.record("a merge key was accepted")
        } catch {
            #expect(error.items.count == 1 && error.items.first?.message.contains("merge keys") == true, "\(error)")
            #expect(error.items.first?.location?.line == 15)
        }
        let withoutMerge = text.replacingOccurrences(of: "      <<: *shared\n", with: "      LEVEL: 2\n")
        let workflow = try WorkflowLoader.load(
            text: withoutMerge, path: ".github/workflows/anchors.yml",
            resolver: ReusableWorkflowResolver { _ throws(ReusableWorkflowResolver.Failure) in throw .notMapped("") })
        let job = try #require(workflow.jobs.first { $0.id == "a" })
        #expect(job.steps.count == 2 && job.steps.allSatisfy { $0.run?.scalar == "echo $LEVEL" })
    }

    /// Of the 93 cases upstream's TypeScript runner skips (skipped-tests.txt), the ones whose outcome Slipway does
    /// not assert, each with why; every other skipped case runs in `conformance` like the rest.
    static let notAsserted: [String: String] = {
        var reasons: [String: String] = [:]
        let limits =
            "sets a limit through its test options (max depth, file or result size, job count, nesting) standing for "
            + "a GitHub server setting; Slipway applies GitHub's defaults, which this small file does not reach"
        for name in [
            "errors-matrix-max-depth.yml", "errors-max-depth.yml", "errors-max-file-size.yml", "errors-max-result-size.yml",
            "errors-max-job-limit-with-reusable-workflow.yml", "errors-reusable-workflow-job-nested-depth-exceeded.yml",
            "errors-reusable-workflow-max-result-size.yml",
        ] { reasons[name] = limits }
        let permissions =
            "checks the GITHUB_TOKEN permissions a caller grants a called workflow; Slipway's runs have no "
            + "GitHub-issued token whose scopes could be enforced"
        for name in cases.map(\.name) where name.hasPrefix("errors-reusable-workflow-") && name.contains("permissions-not-allowed") {
            reasons[name] = permissions
        }
        return reasons
    }()

    @Test func everySkippedCaseRunsOrIsListedWithAReason() {
        let skipped = Self.cases.filter(\.isKnownDivergence).map(\.name)
        #expect(skipped.count == 93)
        #expect(Set(Self.notAsserted.keys).isSubset(of: skipped), "only skipped cases may go unasserted")
        #expect(Self.notAsserted.count == 33, "\(Self.notAsserted.keys.sorted())")
        for name in ["mvp.yml", "job-basic.yml", "matrix-basic.yml"] {
            #expect(skipped.contains(name) && Self.notAsserted[name] == nil, "\(name) runs")
        }
    }

    @Test func everyErrorHasAPosition() {
        for c in Self.cases where c.errors != nil && !c.isKnownDivergence {
            guard case .failure(let diagnostics) = Self.load(c) else { continue }
            #expect(diagnostics.items.allSatisfy { $0.location != nil }, "\(c.name)")
        }
    }
}
