import Core
import Foundation
import Runner
import SlipwayTesting
import Testing
import Workflows

/// `--dry-run`: what would run, with values that only exist once jobs have run shown as unknown, never as failures.
@Suite struct DryRunTests {
    actor Lines: RunReporter {
        var all: [String] = []
        func jobStarted(_ name: String) async {}
        func line(_ job: String, _ text: String) async { all.append("[\(job)] \(text)") }
        func jobFinished(_ name: String, _ result: Conclusion, duration: Double) async {}
    }

    @Test func aMatrixFromAnotherJobsOutputsIsUnknownNotFailed() async throws {
        let repo = try TemporaryRepository.make()
        defer { repo.remove() }
        let workflow = try WorkflowLoader.load(
            text: """
                on: push
                jobs:
                  plan:
                    runs-on: ubuntu-latest
                    outputs:
                      targets: ${{ steps.s.outputs.targets }}
                    steps:
                      - id: s
                        run: echo 'targets=["a","b"]' >> "$GITHUB_OUTPUT"
                  build:
                    needs: plan
                    runs-on: ubuntu-latest
                    strategy:
                      matrix:
                        target: ${{ fromJSON(needs.plan.outputs.targets) }}
                    steps:
                      - run: echo ${{ matrix.target }}
                  broken:
                    runs-on: ubuntu-latest
                    strategy:
                      matrix:
                        target: ${{ fromJSON('not json') }}
                    steps:
                      - run: echo never
                """, path: ".github/workflows/plan.yml")
        let event = WorkflowEvent(name: "push", ref: "refs/heads/main", sha: String(repeating: "b", count: 40))
        let lines = Lines()
        let options = RunOptions(repositoryRoot: repo.path, event: event, dryRun: true, stateDirectory: "\(repo.path)/.slipway")
        let record = await WorkflowRunner(workflow: workflow, options: options, reporter: lines).run()
        let results = Dictionary(record.jobs.map { ($0.jobID, $0.result) }, uniquingKeysWith: { a, _ in a })
        #expect(results["plan"] == .success)
        #expect(results["build"] == .success, "a matrix known only after 'plan' has run is no failure in a dry run")
        #expect(results["broken"] == .failure, "a matrix that cannot be computed at all still fails")
        let output = await lines.all
        #expect(output.contains { $0.hasPrefix("[build] ❔ matrix unknown in a dry run") }, "\(output)")
    }
}
