import Core
import Foundation
import Runner
import SlipwayTesting
import Testing
import Workflows

/// Each job instance runs in its own git worktree of the event's commit, removed afterwards.
@Suite struct JobWorkspaceTests {
    @Test func jobsGetTheirOwnWorktreeOfTheEventCommit() async throws {
        let repo = try TemporaryRepository.make()
        defer { repo.remove() }
        try repo.write("data.txt", "committed\n")
        try repo.commitAll("data")
        let sha = try await Git(directory: repo.path).run(["rev-parse", "HEAD"])
        try repo.write("data.txt", "uncommitted\n")
        let text = """
            on: push
            jobs:
              build:
                runs-on: ubuntu-latest
                strategy:
                  matrix:
                    n: [1, 2, 3]
                steps:
                  - run: |
                      test "$(cat data.txt)" = committed
                      test "$PWD" = "$GITHUB_WORKSPACE"
                      test "$GITHUB_WORKSPACE" != "\(repo.path)"
                      echo "${{ matrix.n }}" > out.txt
                      sleep 0.2
                      test "$(cat out.txt)" = "${{ matrix.n }}"
            """
        let workflow = try WorkflowLoader.load(text: text, path: ".github/workflows/w.yml")
        let options = RunOptions(
            repositoryRoot: repo.path, event: WorkflowEvent(name: "push", ref: "refs/heads/main", sha: sha),
            stateDirectory: repo.path + "/.slipway")
        let record = await WorkflowRunner(workflow: workflow, options: options, reporter: SilentReporter()).run()
        #expect(record.result == .success, "\(record.jobs.flatMap(\.log).joined(separator: "\n"))")
        #expect(!FileManager.default.fileExists(atPath: repo.path + "/out.txt"))
        let worktrees = try await Git(directory: repo.path).run(["worktree", "list", "--porcelain"])
        #expect(worktrees.components(separatedBy: "worktree ").count == 2, "only the main working tree remains: \(worktrees)")

        var shared = options
        shared.workspaceMode = .shared
        let inTree = await WorkflowRunner(workflow: workflow, options: shared, reporter: SilentReporter()).run()
        #expect(inTree.result == .failure, "shared mode sees the uncommitted change")
    }

    /// More instances than worktree slots: reused worktrees come back clean (no file of an earlier job), and when no
    /// worktree can be made (the commit is not in the repository) every instance runs in the working tree instead of
    /// waiting for a slot that never opens.
    @Test(.timeLimit(.minutes(3))) func worktreesAreReusedCleanAndMissingCommitsNeverBlock() async throws {
        let repo = try TemporaryRepository.make()
        defer { repo.remove() }
        try repo.write("data.txt", "committed\n")
        try repo.commitAll("data")
        let sha = try await Git(directory: repo.path).run(["rev-parse", "HEAD"])
        let text = """
            on: push
            jobs:
              build:
                runs-on: ubuntu-latest
                strategy:
                  matrix:
                    n: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]
                steps:
                  - run: |
                      test "$GITHUB_WORKSPACE" != "\(repo.path)" || { echo "ran in the working tree"; exit 1; }
                      test ! -e left-behind.txt || { echo "left-behind.txt of an earlier job in $PWD: $(cat left-behind.txt)"; exit 1; }
                      test "$(cat data.txt)" = committed || { echo "data.txt not reset in $PWD"; exit 1; }
                      echo "${{ matrix.n }}" > left-behind.txt
                      echo changed >> data.txt
            """
        let workflow = try WorkflowLoader.load(text: text, path: ".github/workflows/w.yml")
        let options = RunOptions(
            repositoryRoot: repo.path, event: WorkflowEvent(name: "push", ref: "refs/heads/main", sha: sha),
            stateDirectory: repo.path + "/.slipway")
        let record = await WorkflowRunner(workflow: workflow, options: options, reporter: SilentReporter()).run()
        #expect(record.result == .success, "\(record.jobs.filter { $0.result != .success }.flatMap(\.log).joined(separator: "\n"))")
        #expect(record.jobs.count == 20)
        #expect(try String(contentsOfFile: repo.path + "/data.txt", encoding: .utf8) == "committed\n")

        var missing = options
        missing.event = WorkflowEvent(name: "push", ref: "refs/heads/main", sha: String(repeating: "b", count: 40))
        let serial = """
            on: push
            jobs:
              build:
                runs-on: ubuntu-latest
                strategy:
                  matrix:
                    n: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
                steps:
                  - run: test "$GITHUB_WORKSPACE" = "\(repo.path)"
            """
        let fallback = await WorkflowRunner(
            workflow: try WorkflowLoader.load(text: serial, path: ".github/workflows/s.yml"), options: missing,
            reporter: SilentReporter()
        ).run()
        #expect(fallback.result == .success)
        #expect(fallback.jobs.count == 12)
    }
}
