import Core
import Foundation
import Runner
import SlipwayTesting
import Testing
import Workflows

/// `uses: ./.github/workflows/x.yml` jobs: typed inputs, passed secrets, outputs back to the caller, failures.
@Suite(.serialized) struct ReusableWorkflowTests {
    static let called = """
        on:
          workflow_call:
            inputs:
              flag: { type: boolean, required: true }
              count: { type: number, default: 2 }
              label: { type: string, default: none }
            secrets:
              token: { required: true }
            outputs:
              summary:
                value: ${{ jobs.work.outputs.summary }}
              leaked:
                value: ${{ jobs.work.outputs.leaked }}
        jobs:
          work:
            runs-on: ubuntu-latest
            outputs:
              summary: ${{ steps.s.outputs.summary }}
              leaked: ${{ steps.s.outputs.leaked }}
            steps:
              - id: s
                run: |
                  test "${{ inputs.flag }}" = "true"
                  test "${{ inputs.count }}" = "3"
                  test "${{ inputs.label }}" = "none"
                  test "${{ github.event_name }}" = "push"
                  test -n "${{ secrets.token }}"
                  test -z "${{ secrets.OTHER }}"
                  echo "summary=flag=${{ inputs.flag }} count=${{ inputs.count }}" >> "$GITHUB_OUTPUT"
                  echo "leaked=${{ secrets.token }}" >> "$GITHUB_OUTPUT"
                  echo "token is ${{ secrets.token }}"
        """

    /// Writes the called workflow into `repo` and returns a resolver for `./` references there.
    static func resolver(_ repo: TemporaryRepository, called: String = called) throws -> ReusableWorkflowResolver {
        try repo.write(".github/workflows/called.yml", called)
        return ReusableWorkflowResolver.files(root: repo.path, repositories: [:]) { try? String(contentsOfFile: $0, encoding: .utf8) }
    }

    func run(_ caller: String, in repo: TemporaryRepository) async throws -> RunRecord {
        let root = repo.path
        let workflow = try WorkflowLoader.load(text: caller, path: ".github/workflows/caller.yml", resolver: try Self.resolver(repo))
        let event = WorkflowEvent(name: "push", ref: "refs/heads/main", sha: String(repeating: "c", count: 40))
        let options = RunOptions(
            repositoryRoot: root, event: event, secrets: ["DEPLOY_TOKEN": "s3cr3t-value", "OTHER": "x-other-x"],
            stateDirectory: "\(root)/.slipway")
        return await WorkflowRunner(workflow: workflow, options: options, reporter: SilentReporter()).run()
    }

    @Test func inputsSecretsAndOutputsFlow() async throws {
        let repo = try TemporaryRepository.make()
        defer { repo.remove() }
        let record = try await run(
            """
            on: push
            jobs:
              call:
                uses: ./.github/workflows/called.yml
                with:
                  flag: true
                  count: ${{ fromJSON('3') }}
                secrets:
                  token: ${{ secrets.DEPLOY_TOKEN }}
              after:
                needs: call
                runs-on: ubuntu-latest
                steps:
                  - run: |
                      test "${{ needs.call.outputs.summary }}" = "flag=true count=3"
                      test -z "${{ needs.call.outputs.leaked }}"
            """, in: repo)
        let failures = record.jobs.filter { $0.result != .success }.map { "\($0.name) \($0.failureReason ?? "") \($0.log.suffix(4))" }
        #expect(record.result == .success, "\(failures)")
        let call = try #require(record.jobs.first { $0.jobID == "call" })
        #expect(call.outputs["summary"] == "flag=true count=3")
        #expect((call.outputs["leaked"] ?? "").isEmpty)
        let nested = try #require(call.calledJobs?.first)
        #expect(nested.name == "work")
        #expect(!nested.log.joined().contains("s3cr3t-value"))
        #expect(nested.log.joined().contains("token is ***"))
    }

    @Test func calledFailureFailsTheCallerAndSkipsDependents() async throws {
        let repo = try TemporaryRepository.make()
        defer { repo.remove() }
        let record = try await run(
            """
            on: push
            jobs:
              call:
                uses: ./.github/workflows/called.yml
                with:
                  flag: false
                secrets: inherit
              after:
                needs: call
                runs-on: ubuntu-latest
                steps:
                  - run: true
            """, in: repo)
        #expect(record.result == .failure)
        #expect(record.jobs.first { $0.jobID == "after" }?.result == .skipped)
    }

    @Test func undeclaredInputIsAnErrorWithItsPosition() throws {
        let repo = try TemporaryRepository.make()
        defer { repo.remove() }
        let resolver = try Self.resolver(repo)
        #expect {
            try WorkflowLoader.load(
                text: """
                    on: push
                    jobs:
                      call:
                        uses: ./.github/workflows/called.yml
                        with:
                          flag: true
                          colour: red
                    """, path: "caller.yml", resolver: resolver)
        } throws: { error in
            let text = "\(error)"
            return text.contains("caller.yml:7:15: Invalid input, colour is not defined in the referenced workflow.")
                && text.contains("caller.yml:4:11: Secret token is required, but not provided while calling.")
        }
    }
}
