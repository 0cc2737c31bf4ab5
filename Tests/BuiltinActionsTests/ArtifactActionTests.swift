import BuiltinActions
import Core
import Foundation
import Runner
import SlipwayTesting
import Testing
import Workflows

/// `actions/upload-artifact@v4` and `actions/download-artifact@v4` as built-ins: selection, roots, hidden files,
/// duplicate names, secrets, and artifacts crossing jobs and runs.
@Suite(.serialized) struct ArtifactActionTests {
    func run(_ text: String, in repo: TemporaryRepository, runID: Int = 7, secrets: [String: String] = [:]) async throws -> RunRecord {
        let workflow = try WorkflowLoader.load(text: text, path: ".github/workflows/artifacts.yml")
        let event = WorkflowEvent(name: "push", ref: "refs/heads/main", sha: String(repeating: "a", count: 40))
        var options = RunOptions(repositoryRoot: repo.path, event: event, secrets: secrets, stateDirectory: repo.path + "/.slipway")
        options.actions = StandardActions.registry
        options.runID = runID
        return await WorkflowRunner(workflow: workflow, options: options, reporter: SilentReporter()).run()
    }

    static let producer = """
        on: push
        jobs:
          make:
            runs-on: ubuntu-latest
            outputs:
              id: ${{ steps.up.outputs.artifact-id }}
              digest: ${{ steps.up.outputs.artifact-digest }}
            steps:
              - run: |
                  mkdir -p dist/bin dist/.cache docs
                  echo one > dist/bin/app
                  echo two > dist/notes.txt
                  echo hidden > dist/.cache/state
                  echo skip > dist/debug.log
                  echo doc > docs/readme.md
              - id: up
                uses: actions/upload-artifact@v4
                with:
                  name: build
                  path: |
                    dist/
                    !dist/**/*.log
          consume:
            needs: make
            runs-on: ubuntu-latest
            steps:
              - id: down
                uses: actions/download-artifact@v4
                with:
                  name: build
                  path: out
              - run: |
                  test "$(cat out/bin/app)" = one
                  test "$(cat out/notes.txt)" = two
                  test ! -e out/debug.log
                  test ! -e out/.cache
                  test "${{ steps.down.outputs.download-path }}" = "$GITHUB_WORKSPACE/out"
        """

    @Test func filesFlowBetweenJobsRelativeToTheSearchRoot() async throws {
        let repo = try TemporaryRepository.make()
        defer { repo.remove() }
        let record = try await run(Self.producer, in: repo)
        #expect(record.result == .success, "\(record.jobs.flatMap(\.log).joined(separator: "\n"))")
        let make = try #require(record.jobs.first { $0.jobID == "make" })
        #expect(make.outputs["id"].flatMap(Int.init) != nil)
        #expect(make.outputs["digest"]?.count == 64)
    }

    @Test func aNameIsUploadedOncePerRunUnlessOverwritten() async throws {
        let repo = try TemporaryRepository.make()
        defer { repo.remove() }
        let twice = """
            on: push
            jobs:
              a:
                runs-on: ubuntu-latest
                steps:
                  - run: echo 1 > f.txt
                  - uses: actions/upload-artifact@v4
                    with: { name: same, path: f.txt }
                  - uses: actions/upload-artifact@v4
                    with: { name: same, path: f.txt }
            """
        let record = try await run(twice, in: repo)
        #expect(record.result == .failure)
        #expect(record.jobs.flatMap(\.log).contains { $0.contains("an artifact with this name already exists") })
        let overwrite = twice.replacingOccurrences(of: "path: f.txt }", with: "path: f.txt, overwrite: true }")
        let again = try await run(overwrite, in: repo, runID: 8)
        #expect(again.result == .success, "\(again.jobs.flatMap(\.log).joined(separator: "\n"))")
    }

    @Test func missingFilesFollowIfNoFilesFound() async throws {
        let repo = try TemporaryRepository.make()
        defer { repo.remove() }
        let warn = try await run(
            """
            on: push
            jobs:
              a:
                runs-on: ubuntu-latest
                steps:
                  - uses: actions/upload-artifact@v4
                    with: { name: none, path: nothing/** }
            """, in: repo)
        #expect(warn.result == .success)
        #expect(warn.jobs.flatMap(\.log).contains { $0.contains("No files were found with the provided path: nothing/**") })
        let error = try await run(
            """
            on: push
            jobs:
              a:
                runs-on: ubuntu-latest
                steps:
                  - uses: actions/upload-artifact@v4
                    with: { name: none, path: nothing, if-no-files-found: error }
            """, in: repo, runID: 9)
        #expect(error.result == .failure)
    }

    @Test func aFileHoldingASecretIsNeverStored() async throws {
        let repo = try TemporaryRepository.make()
        defer { repo.remove() }
        let secret = "tok-7f3a9c-VERY-secret"
        let record = try await run(
            """
            on: push
            jobs:
              a:
                runs-on: ubuntu-latest
                steps:
                  - run: echo "$T" | base64 > leak.txt
                    env: { T: "${{ secrets.TOKEN }}" }
                  - uses: actions/upload-artifact@v4
                    with: { name: leak, path: leak.txt }
            """, in: repo, secrets: ["TOKEN": secret])
        #expect(record.result == .failure)
        #expect(record.jobs.flatMap(\.log).contains { $0.contains("leak.txt contains a secret value") })
        #expect(!FileManager.default.fileExists(atPath: repo.path + "/.slipway/artifacts/7/leak"))
    }

    @Test func anotherRunsArtifactsAreReadByRunID() async throws {
        let repo = try TemporaryRepository.make()
        defer { repo.remove() }
        _ = try await run(Self.producer, in: repo, runID: 41)
        let record = try await run(
            """
            on: push
            jobs:
              a:
                runs-on: ubuntu-latest
                steps:
                  - uses: actions/download-artifact@v4
                    with: { run-id: 41, path: all, github-token: x }
                  - run: test "$(cat all/build/bin/app)" = one
                  - uses: actions/download-artifact@v4
                    with: { name: missing }
            """, in: repo, runID: 42)
        let steps = try #require(record.jobs.first).steps
        #expect(steps.map(\.outcome.rawValue) == ["success", "success", "failure"])
        #expect(record.jobs.flatMap(\.log).contains { $0.contains("Artifact not found for name: missing") })
    }
}
