import Foundation
import Runner
import SlipwayTesting
import Testing
import Workflows

/// Step scripts hold expressions already expanded, secrets included: they must not outlive their step.
@Suite struct ScratchSpaceTests {
    @Test func expandedSecretsLeaveNothingOnDisk() async throws {
        let repo = try TemporaryRepository.make()
        defer { repo.remove() }
        let secret = "scratch-secret-9d2f71"
        let text = """
            on: push
            jobs:
              a:
                runs-on: ubuntu-latest
                steps:
                  - run: test "${{ secrets.TOKEN }}" = "\(secret)" && echo "dir=$(dirname "$GITHUB_OUTPUT")" >> "$GITHUB_OUTPUT"
                    id: s
                  - run: test ! -e "${{ steps.s.outputs.dir }}"
            """
        let workflow = try WorkflowLoader.load(text: text, path: ".github/workflows/s.yml")
        let options = RunOptions(
            repositoryRoot: repo.path, event: WorkflowEvent(name: "push", ref: "refs/heads/main", sha: String(repeating: "d", count: 40)),
            secrets: ["TOKEN": secret], stateDirectory: repo.path + "/.slipway")
        let record = await WorkflowRunner(workflow: workflow, options: options, reporter: SilentReporter()).run()
        #expect(record.result == .success, "\(record.jobs.flatMap(\.log).joined(separator: "\n"))")
        for relative in (FileManager.default.enumerator(atPath: repo.path + "/.slipway")?.allObjects as? [String]) ?? [] {
            let data = FileManager.default.contents(atPath: repo.path + "/.slipway/" + relative) ?? Data()
            #expect(data.range(of: Data(secret.utf8)) == nil, "\(relative) keeps the secret")
        }
    }
}
