import Core
import Foundation
import SlipwayTesting
import Testing
import Workflows

@testable import Runner

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

    /// A chain of 400 jobs, each needing the one before: every job runs once, in order. Looking jobs up by scanning on
    /// every completion made this cubic (21 s alone, under a second now); the time limit only turns a far worse
    /// regression into a failure instead of a hang, since the suite's load can slow any run.
    @Test(.timeLimit(.minutes(5))) func aLongChainOfNeedsRunsInOrder() async throws {
        let repo = try TemporaryRepository.make()
        defer { repo.remove() }
        var text = "on: push\njobs:\n"
        for index in 0..<400 {
            text += "  j\(index):\n    runs-on: ubuntu-latest\n"
            if index > 0 { text += "    needs: [j\(index - 1)]\n" }
            text += "    steps:\n      - run: echo \(index)\n"
        }
        let workflow = try WorkflowLoader.load(text: text, path: ".github/workflows/chain.yml")
        let event = WorkflowEvent(name: "push", ref: "refs/heads/main", sha: String(repeating: "c", count: 40))
        let options = RunOptions(repositoryRoot: repo.path, event: event, dryRun: true, stateDirectory: "\(repo.path)/.slipway")
        let record = await WorkflowRunner(workflow: workflow, options: options, reporter: Lines()).run()
        #expect(record.result == .success)
        #expect(record.jobs.map(\.jobID) == (0..<400).map { "j\($0)" })
    }

    @Test func transitiveNeedsFollowEveryPath() throws {
        func job(_ id: String, _ needs: [String]) throws -> (String, Job) {
            var text = "on: push\njobs:\n  \(id):\n    runs-on: ubuntu-latest\n"
            if !needs.isEmpty { text += "    needs: [\(needs.joined(separator: ", "))]\n" }
            text += "    steps: [{run: 'true'}]\n"
            for need in needs { text += "  \(need):\n    runs-on: ubuntu-latest\n    steps: [{run: 'true'}]\n" }
            let workflow = try WorkflowLoader.load(text: text, path: "w.yml")
            return (id, try #require(workflow.job(id)))
        }
        let jobs = Dictionary(
            uniqueKeysWithValues: [try job("d", ["b", "c"]), try job("b", ["a"]), try job("c", ["a"]), try job("a", []), try job("e", [])])
        let closure = WorkflowRunner.transitiveNeeds(of: jobs)
        #expect(closure["d"] == ["a", "b", "c"])
        #expect(closure["b"] == ["a"] && closure["c"] == ["a"])
        #expect(closure["a"] == [] && closure["e"] == [])
    }
}
