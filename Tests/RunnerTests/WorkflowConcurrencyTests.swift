import Core
import Foundation
import SlipwayTesting
import Testing
import Workflows

@testable import Runner

/// Workflow-level `concurrency:` with `cancel-in-progress`: a later run of the group cancels the one running.
@Suite struct WorkflowConcurrencyTests {
    @Test(.timeLimit(.minutes(2))) func aLaterRunCancelsTheRunningOneOfItsGroup() async throws {
        let repo = try TemporaryRepository.make()
        defer { repo.remove() }
        let text = """
            on: push
            concurrency:
              group: deploy-${{ github.ref }}
              cancel-in-progress: true
            jobs:
              deploy:
                runs-on: ubuntu-latest
                steps:
                  - run: |
                      echo started >> \(repo.path)/started
                      while [ ! -f \(repo.path)/go ]; do sleep 0.05; done

            """
        let workflow = try WorkflowLoader.load(text: text, path: ".github/workflows/deploy.yml")
        let event = WorkflowEvent(name: "push", ref: "refs/heads/main", sha: String(repeating: "c", count: 40))
        let gate = ConcurrencyGate()
        func runner(_ id: Int) -> WorkflowRunner {
            var options = RunOptions(repositoryRoot: repo.path, event: event, stateDirectory: "\(repo.path)/.slipway")
            options.runID = id
            return WorkflowRunner(workflow: workflow, options: options, reporter: SilentReporter(), gate: gate)
        }
        let first = Task { await runner(1).run() }
        try await Deadline.within(.seconds(60), "the first run's step to start") {
            while !FileManager.default.fileExists(atPath: repo.path + "/started") { try await Task.sleep(for: .milliseconds(20)) }
        }
        let second = Task { await runner(2).run() }
        let cancelled = await first.value
        #expect(cancelled.result == .cancelled, "the running run is cancelled by the later one")
        FileManager.default.createFile(atPath: repo.path + "/go", contents: Data())
        #expect(await second.value.result == .success)
    }

    @Test(.timeLimit(.minutes(2))) func aLaterRunCancelsTheCalledWorkflowsJobsOfTheRunningOne() async throws {
        let repo = try TemporaryRepository.make()
        defer { repo.remove() }
        try repo.write(
            ".github/workflows/called.yml",
            """
            on: workflow_call
            jobs:
              inner:
                runs-on: ubuntu-latest
                steps:
                  - run: |
                      echo started >> \(repo.path)/started
                      while [ ! -f \(repo.path)/go ]; do sleep 0.05; done

            """)
        try repo.commitAll("called")
        let text = """
            on: push
            concurrency:
              group: deploy-${{ github.ref }}
              cancel-in-progress: true
            jobs:
              call:
                uses: ./.github/workflows/called.yml

            """
        let resolver = ReusableWorkflowResolver.files(root: repo.path, repositories: [:]) { path in
            try? String(contentsOfFile: path, encoding: .utf8)
        }
        let workflow = try WorkflowLoader.load(text: text, path: ".github/workflows/deploy.yml", resolver: resolver)
        // A local called workflow is read at the event's commit.
        let head = try String(contentsOfFile: repo.path + "/.git/refs/heads/main", encoding: .utf8).trimmingCharacters(
            in: .whitespacesAndNewlines)
        let event = WorkflowEvent(name: "push", ref: "refs/heads/main", sha: head)
        let gate = ConcurrencyGate()
        func runner(_ id: Int) -> WorkflowRunner {
            var options = RunOptions(repositoryRoot: repo.path, event: event, stateDirectory: "\(repo.path)/.slipway")
            options.runID = id
            return WorkflowRunner(workflow: workflow, options: options, reporter: SilentReporter(), gate: gate)
        }
        let first = Task { await runner(1).run() }
        try await Deadline.within(.seconds(60), "the called workflow's step to start") {
            while !FileManager.default.fileExists(atPath: repo.path + "/started") { try await Task.sleep(for: .milliseconds(20)) }
        }
        let second = Task { await runner(2).run() }
        // The first run ends without the gate file: only the cancellation can stop its called job's step.
        let cancelled = await first.value
        #expect(cancelled.result == .cancelled, "the running run's called jobs are cancelled by the later one")
        FileManager.default.createFile(atPath: repo.path + "/go", contents: Data())
        #expect(await second.value.result == .success)
    }
}
