import Foundation
import SlipwayTesting
import Testing
import Workflows

@testable import BuiltinActions
@testable import Runner

/// `actions/cache@v4` on the local store: miss then save in the post step, exact hit, restore-key hit, no save
/// after a failure, and the `restore`/`save` halves.
@Suite(.serialized) struct CacheActionTests {
    static let workflow = """
        on: push
        jobs:
          build:
            runs-on: ubuntu-latest
            steps:
              - id: cache
                uses: actions/cache@v4
                with:
                  path: |
                    deps
                    ~/.slipway-cache-test-never-created
                  key: deps-${{ hashFiles('lock.txt') }}
                  restore-keys: |
                    deps-
              - run: |
                  echo "hit=${{ steps.cache.outputs.cache-hit }} matched=${{ steps.cache.outputs.cache-matched-key }}" > result.txt
                  if [ ! -f deps/lib.txt ]; then mkdir -p deps && cat lock.txt > deps/lib.txt; fi
                  test "$FAIL" != yes
        """

    /// The store is keyed by `github.repository`, which for a repository without `origin` is `local/<directory>`.
    static func removeEntries(of repo: TemporaryRepository) {
        let store = ActionCacheStore(repository: "local/" + (repo.path as NSString).lastPathComponent)
        try? FileManager.default.removeItem(atPath: store.root)
    }

    func run(_ repo: TemporaryRepository, fail: Bool = false, text: String = workflow) async throws -> (RunRecord, String) {
        let workflow = try WorkflowLoader.load(text: text, path: ".github/workflows/cache.yml")
        var options = RunOptions(
            repositoryRoot: repo.path, event: WorkflowEvent(name: "push", ref: "refs/heads/main", sha: String(repeating: "e", count: 40)),
            stateDirectory: repo.path + "/.slipway")
        options.actions = StandardActions.registry
        options.env = ["FAIL": fail ? "yes" : "no"]
        let record = await WorkflowRunner(workflow: workflow, options: options, reporter: SilentReporter()).run()
        let result = (try? String(contentsOfFile: repo.path + "/result.txt", encoding: .utf8)) ?? ""
        return (record, result.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test func missSavesThenExactAndPrefixHitsRestore() async throws {
        let repo = try TemporaryRepository.make()
        defer { repo.remove() }
        defer { Self.removeEntries(of: repo) }
        try repo.write("lock.txt", "v1\n")

        // A failed job saves nothing.
        let (failed, _) = try await run(repo, fail: true)
        #expect(failed.result == .failure)
        #expect(failed.jobs.first?.steps.last?.outcome == .skipped)
        try FileManager.default.removeItem(atPath: repo.path + "/deps")

        let (first, firstResult) = try await run(repo)
        #expect(first.result == .success, "\(first.jobs.flatMap(\.log).joined(separator: "\n"))")
        #expect(firstResult == "hit=false matched=")
        #expect(first.jobs.flatMap(\.log).contains { $0.contains("Cache saved with key: deps-") })

        try FileManager.default.removeItem(atPath: repo.path + "/deps")
        let (second, secondResult) = try await run(repo)
        #expect(secondResult.hasPrefix("hit=true matched=deps-"))
        #expect(try String(contentsOfFile: repo.path + "/deps/lib.txt", encoding: .utf8) == "v1\n")
        #expect(second.jobs.flatMap(\.log).contains { $0.contains("not saving cache") })

        // A new lock file: the old entry comes back through the restore key, and a new entry is saved.
        try repo.write("lock.txt", "v2\n")
        try FileManager.default.removeItem(atPath: repo.path + "/deps")
        let (third, thirdResult) = try await run(repo)
        #expect(thirdResult.hasPrefix("hit=false matched=deps-"))
        #expect(try String(contentsOfFile: repo.path + "/deps/lib.txt", encoding: .utf8) == "v1\n")
        #expect(third.jobs.flatMap(\.log).contains { $0.contains("Cache saved with key: deps-") })
    }

    @Test func restoreAndSaveHalves() async throws {
        let repo = try TemporaryRepository.make()
        defer { repo.remove() }
        defer { Self.removeEntries(of: repo) }
        let text = """
            on: push
            jobs:
              a:
                runs-on: ubuntu-latest
                steps:
                  - uses: actions/cache/restore@v4
                    id: r
                    with: { path: out.bin, key: k1, fail-on-cache-miss: "${{ env.STRICT }}" }
                  - run: echo data > out.bin
                  - uses: actions/cache/save@v4
                    with: { path: out.bin, key: k1 }
                  - uses: actions/cache/save@v4
                    with: { path: out.bin, key: "bad,key" }
            """
        let workflow = try WorkflowLoader.load(text: text, path: ".github/workflows/halves.yml")
        var options = RunOptions(
            repositoryRoot: repo.path, event: WorkflowEvent(name: "push", ref: "refs/heads/main", sha: String(repeating: "f", count: 40)),
            stateDirectory: repo.path + "/.slipway")
        options.actions = StandardActions.registry
        options.env = ["STRICT": "false"]
        let record = await WorkflowRunner(workflow: workflow, options: options, reporter: SilentReporter()).run()
        let steps = try #require(record.jobs.first).steps
        #expect(steps.map(\.outcome.rawValue) == ["success", "success", "success", "failure"])
        #expect(record.jobs.flatMap(\.log).contains { $0.contains("cannot contain commas") })
        options.env = ["STRICT": "true"]
        try FileManager.default.removeItem(atPath: repo.path + "/out.bin")
        let again = await WorkflowRunner(workflow: workflow, options: options, reporter: SilentReporter()).run()
        #expect(again.jobs.first?.steps.first?.outputs["cache-hit"] == "true")
        #expect(try String(contentsOfFile: repo.path + "/out.bin", encoding: .utf8) == "data\n")
    }

    @Test func aCacheHoldingASecretIsNotSaved() async throws {
        let repo = try TemporaryRepository.make()
        defer { repo.remove() }
        defer { Self.removeEntries(of: repo) }
        let text = """
            on: push
            jobs:
              a:
                runs-on: ubuntu-latest
                steps:
                  - run: python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$TOKEN" > leak.txt
                    env:
                      TOKEN: ${{ secrets.TOKEN }}
                  - uses: actions/cache/save@v4
                    with: { path: leak.txt, key: leak-1 }
            """
        let workflow = try WorkflowLoader.load(text: text, path: ".github/workflows/leak.yml")
        var options = RunOptions(
            repositoryRoot: repo.path, event: WorkflowEvent(name: "push", ref: "refs/heads/main", sha: String(repeating: "d", count: 40)),
            secrets: ["TOKEN": "tok/en with+spaces&more"], stateDirectory: repo.path + "/.slipway")
        options.actions = StandardActions.registry
        let record = await WorkflowRunner(workflow: workflow, options: options, reporter: SilentReporter()).run()
        #expect(try String(contentsOfFile: repo.path + "/leak.txt", encoding: .utf8) == "tok%2Fen%20with%2Bspaces%26more\n")
        #expect(record.result == .success, "not saving a cache is a warning, as on GitHub")
        #expect(record.jobs.flatMap(\.log).contains { $0.contains("not saving cache leak-1: ws/leak.txt contains a secret value") })
        // The store belongs to this test's repository alone: it must hold no entry.
        let store = ActionCacheStore(repository: "local/" + URL(fileURLWithPath: repo.path).lastPathComponent)
        let listed = (try? FileManager.default.contentsOfDirectory(atPath: store.root)) ?? []
        #expect(listed.filter { !$0.hasPrefix(".") }.isEmpty, "nothing stored: \(listed)")
    }
}
