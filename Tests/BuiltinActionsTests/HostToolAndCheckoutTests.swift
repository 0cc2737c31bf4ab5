import BuiltinActions
import Core
import Foundation
import Runner
import SlipwayTesting
import Testing
import Workflows

/// `setup-python` against the host's interpreter, and `actions/checkout` of another repository with submodules.
@Suite(.serialized) struct HostToolAndCheckoutTests {
    func run(_ text: String, in repo: TemporaryRepository, env: [String: String] = [:], repoMap: [String: String] = [:]) async throws
        -> RunRecord
    {
        let workflow = try WorkflowLoader.load(text: text, path: ".github/workflows/t.yml")
        var options = RunOptions(
            repositoryRoot: repo.path, event: WorkflowEvent(name: "push", ref: "refs/heads/main", sha: String(repeating: "1", count: 40)),
            env: env, repoMap: repoMap, stateDirectory: repo.path + "/.slipway")
        options.actions = StandardActions.registry
        options.runID = 3
        return await WorkflowRunner(workflow: workflow, options: options, reporter: SilentReporter()).run()
    }

    @Test func setupPythonChecksTheRequestedVersion() async throws {
        let repo = try TemporaryRepository.make()
        defer { repo.remove() }
        let record = try await run(
            """
            on: push
            jobs:
              a:
                runs-on: ubuntu-latest
                steps:
                  - id: py
                    uses: actions/setup-python@v5
                    with: { python-version: "3.x" }
                  - run: test "${{ steps.py.outputs.python-version }}" = "$(python3 -c 'import platform; print(platform.python_version())')"
                  - uses: actions/setup-python@v5
                    with: { python-version: "2.7" }
            """, in: repo)
        let job = try #require(record.jobs.first)
        #expect(job.steps.map(\.outcome.rawValue) == ["success", "success", "failure"], "\(job.log.joined(separator: "\n"))")
        #expect(job.log.contains { $0.contains("python-version '2.7' is not satisfied by the host's python3") })
    }

    @Test func checkoutOfAnotherRepositoryBringsItsSubmodules() async throws {
        let root = NSTemporaryDirectory() + "slipway-submodules-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: root) }
        let identity = [
            "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t",
            "GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "protocol.file.allow", "GIT_CONFIG_VALUE_0": "always",
        ]
        for name in ["lib", "main"] {
            try FileManager.default.createDirectory(atPath: "\(root)/\(name)", withIntermediateDirectories: true)
            try await Git(directory: "\(root)/\(name)").run(["init", "-q", "-b", "main"])
        }
        try "lib contents\n".write(toFile: "\(root)/lib/lib.txt", atomically: true, encoding: .utf8)
        try await Git(directory: "\(root)/lib").run(["add", "-A"])
        try await Git(directory: "\(root)/lib").run(["commit", "-qm", "lib"], environment: identity)
        try await Git(directory: "\(root)/main").run(["submodule", "add", "-q", "\(root)/lib", "vendor/lib"], environment: identity)
        try await Git(directory: "\(root)/main").run(["commit", "-qm", "main"], environment: identity)

        let repo = try TemporaryRepository.make()
        defer { repo.remove() }
        let record = try await run(
            """
            on: push
            jobs:
              a:
                runs-on: ubuntu-latest
                steps:
                  - uses: actions/checkout@v4
                    with: { repository: acme/main, path: other, submodules: true }
                  - run: test "$(cat other/vendor/lib/lib.txt)" = "lib contents" && git -C other symbolic-ref --short HEAD | grep -qx main
            """, in: repo, env: ["GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "protocol.file.allow", "GIT_CONFIG_VALUE_0": "always"],
            repoMap: ["acme/main": "\(root)/main"])
        #expect(record.result == .success, "\(record.jobs.flatMap(\.log).joined(separator: "\n"))")
    }
}
