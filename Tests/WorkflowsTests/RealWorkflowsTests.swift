import Core
import Foundation
import SlipwayTesting
import Testing

@testable import Workflows

/// Workflows that run on GitHub today, from 47 public repositories (../shared/conformance/workflows-real): every
/// one must pass `slipway lint`'s checks, with local reusable workflows resolved as GitHub resolves them.
@Suite(
    .enabled(
        if: ConformanceData.shouldRun("workflows-real"),
        "real workflows are not here (../shared/conformance/workflows-real; set SLIPWAY_CONFORMANCE_DIR)")
)
struct RealWorkflowsTests {
    @Test func everyRealWorkflowIsAccepted() throws {
        let corpus = try ConformanceData.require("workflows-real")
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-real-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        var total = 0
        var rejected: [String] = []
        for repository in try FileManager.default.contentsOfDirectory(atPath: corpus).sorted() where repository.contains("__") {
            // As GitHub sees it: the corpus folder is the repository's .github/workflows.
            let root = "\(scratch)/\(repository)"
            try FileManager.default.createDirectory(atPath: "\(root)/.github", withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: "\(root)/.github/workflows", withDestinationPath: "\(corpus)/\(repository)")
            for file in WorkflowDiscovery.files(at: "\(root)/.github/workflows") ?? [] {
                total += 1
                let (_, diagnostics) = WorkflowDiscovery.load([file], relativeTo: root)
                if let first = diagnostics.first { rejected.append("\(repository): \(first)") }
            }
        }
        #expect(total == 695, "the corpus holds 695 files")
        #expect(rejected.isEmpty, "\(rejected.count) rejected:\n\(rejected.joined(separator: "\n"))")
    }

    @Test func shapesGitHubRunsDespiteItsSchemaAreWarnings() throws {
        let text = """
            on:
              create:
                tags: ['v*']
              push:
                branches:
              workflow_dispatch:
                inputs:
                  n:
                    type: int
            jobs:
              a:
                runs-on: ubuntu-latest
                if: (${{ success() }} || ${{ failure() }})
                steps:
                  - uses: $/.github/actions/x
                  - if: ${{ true }} and more
                    run: echo hi
              b:
                uses: $/.github/workflows/called.yml
            """
        let called = "on:\n  workflow_call:\njobs:\n  c:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo called\n"
        let resolver = ReusableWorkflowResolver { reference throws(ReusableWorkflowResolver.Failure) in
            guard reference == "./.github/workflows/called.yml" else { throw .notMapped(reference) }
            return WorkflowSource(path: reference, text: called)
        }
        let workflow = try WorkflowLoader.load(text: text, path: ".github/workflows/real.yml", resolver: resolver)
        let warnings = workflow.warnings.map { "\($0.location?.line ?? 0): \($0.message)" }
        #expect(warnings.contains { $0.hasPrefix("3: 'create' takes no filters") }, "\(warnings)")
        #expect(warnings.contains { $0.hasPrefix("5: an empty 'branches' filter is ignored") }, "\(warnings)")
        #expect(warnings.contains { $0.hasPrefix("9: input type 'int'") }, "\(warnings)")
        #expect(
            warnings.contains { $0.hasPrefix("13: this 'if:' mixes text and ${{ }}") && $0.hasSuffix("inside one ${{ }}") }, "\(warnings)")
        let job = try #require(workflow.jobs.first { $0.id == "a" })
        #expect(job.condition == "always()", "a status function inside the template: GitHub adds no success()")
        #expect(job.steps.first?.uses == "./.github/actions/x", "$/ is the workflow's own repository")
        #expect(job.steps.last?.condition == "success()")
        #expect(workflow.jobs.first { $0.id == "b" }?.called != nil, "$/ reusable workflows resolve like ./")
        let push = try #require(workflow.triggers.first { $0.event == "push" })
        #expect(push.branches == nil, "an empty filter filters nothing")
        let create = try #require(workflow.triggers.first { $0.event == "create" })
        #expect(create.tags == nil, "create's filters are ignored, as GitHub ignores them")
    }
}
