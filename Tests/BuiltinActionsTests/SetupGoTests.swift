import Foundation
import SlipwayTesting
import Testing
import Workflows

@testable import BuiltinActions
@testable import Runner

/// `actions/setup-go`'s version ranges and tool-cache lookup (no downloads, ever).
@Suite struct SetupGoTests {
    @Test(arguments: [
        ("1.23", ["1.23.0", "1.23.9"], ["1.22.10", "1.24.0"]),
        ("1.23.x", ["1.23.4"], ["1.24.1"]),
        ("1.23.4", ["1.23.4"], ["1.23.5", "1.23.3"]),
        ("^1.22", ["1.22.0", "1.27.3"], ["1.21.9", "2.0.0"]),
        ("~1.22.3", ["1.22.3", "1.22.9"], ["1.22.2", "1.23.0"]),
        (">=1.21 <1.23", ["1.21.0", "1.22.10"], ["1.20.1", "1.23.0"]),
        ("1.21 || 1.23", ["1.21.5", "1.23.1"], ["1.22.0"]),
        ("stable", ["1.23.9", "0.1.0"], []),
        ("go1.23", ["1.23.2"], ["1.22.0"]),
    ])
    func rangesFollowNodeSemver(_ spec: String, _ accepted: [String], _ rejected: [String]) throws {
        let range = try #require(VersionSpec(spec))
        for text in accepted {
            let version = try #require(ToolVersion(text))
            #expect(range.accepts(version), "\(spec) should accept \(text)")
        }
        for text in rejected {
            let version = try #require(ToolVersion(text))
            #expect(!range.accepts(version), "\(spec) should reject \(text)")
        }
    }

    @Test func invalidRangesAreRejected() {
        for text in ["", "latest-ish", "1.x.2.3", ">=", "banana"] { #expect(VersionSpec(text) == nil, "\(text)") }
    }

    @Test func theNewestMatchingInstallWins() throws {
        let root = NSTemporaryDirectory() + "slipway-toolcache-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: root) }
        for version in ["1.22.10", "1.23.2", "1.23.9", "1.24.0"] {
            try FileManager.default.createDirectory(atPath: "\(root)/go/\(version)/x64/bin", withIntermediateDirectories: true)
        }
        try FileManager.default.createDirectory(atPath: "\(root)/go/1.23.11", withIntermediateDirectories: true)  // no x64: ignored
        let cache = ToolCache(roots: [root + "/missing", root])
        let range = try #require(VersionSpec("1.23"))
        let found = try #require(cache.find("go", matching: range))
        #expect(found.version.description == "1.23.9")
        #expect(found.path == "\(root)/go/1.23.9/x64")
        let newer = try #require(VersionSpec("1.25"))
        #expect(cache.find("go", matching: newer) == nil)
    }

    @Test func versionFilesNameTheToolchain() {
        #expect(SetupGoAction.goVersion(inFile: "module x\n\ngo 1.22.1\n\ntoolchain go1.23.4\n", named: "go.mod") == "1.23.4")
        #expect(SetupGoAction.goVersion(inFile: "module x\ngo 1.23\n", named: "go.mod") == "1.23")
        #expect(SetupGoAction.goVersion(inFile: "nodejs 20\ngolang 1.23.2\n", named: ".tool-versions") == "1.23.2")
        #expect(SetupGoAction.goVersion(inFile: "1.21.5\n", named: ".go-version") == "1.21.5")
    }

    @Test func setupGoPutsTheToolchainOnPathOrFailsClearly() async throws {
        let repo = try TemporaryRepository.make()
        defer { repo.remove() }
        let state = repo.path + "/.slipway"
        // A fake Go 1.31.2 in the run's own tool cache: `go env` answers like the real one.
        let bin = "\(state)/toolcache/go/1.31.2/x64/bin"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        let fakeGo =
            "#!/bin/sh\nif [ \"$1\" = env ]; then echo /tmp/gopath; echo /tmp/gomod; echo /tmp/gocache; "
            + "else echo go version go1.31.2 linux/amd64; fi\n"
        try fakeGo.write(toFile: bin + "/go", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: bin + "/go")
        let text = """
            on: push
            jobs:
              a:
                runs-on: ubuntu-latest
                steps:
                  - id: go
                    uses: actions/setup-go@v5
                    with: { go-version: "1.31", cache: false }
                  - run: |
                      test "${{ steps.go.outputs.go-version }}" = 1.31.2
                      test "$(command -v go)" = "$RUNNER_TOOL_CACHE/go/1.31.2/x64/bin/go"
                      test "$GOTOOLCHAIN" = local
                  - uses: actions/setup-go@v5
                    with: { go-version: "1.99" }
            """
        let workflow = try WorkflowLoader.load(text: text, path: ".github/workflows/go.yml")
        var options = RunOptions(
            repositoryRoot: repo.path, event: WorkflowEvent(name: "push", ref: "refs/heads/main", sha: String(repeating: "b", count: 40)),
            stateDirectory: state)
        options.actions = StandardActions.registry
        let record = await WorkflowRunner(workflow: workflow, options: options, reporter: SilentReporter()).run()
        let job = try #require(record.jobs.first)
        #expect(job.steps.map(\.outcome.rawValue) == ["success", "success", "failure"], "\(job.log.joined(separator: "\n"))")
        #expect(job.log.contains { $0.contains("no Go matching '1.99' is installed") && $0.contains("never downloads") })
    }
}
