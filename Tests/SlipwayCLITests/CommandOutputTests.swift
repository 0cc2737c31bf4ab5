import Core
import Foundation
import SlipwayTesting
import Testing

/// What the `slipway` binary prints when there is nothing to do or an input is bad: a message that says so, on a
/// line of its own (ending in a newline, so whatever is printed next does not run on).
@Suite struct CommandOutputTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static let slipway = ProcessInfo.processInfo.environment["SLIPWAY_BINARY"] ?? (repositoryRoot + "/.build/debug/slipway")

    @Test func listingWithNoMatchingWorkflowSaysSo() async throws {
        let repo = try TemporaryRepository.make()
        defer { repo.remove() }
        try repo.write(".github/workflows/ci.yml", "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: true\n")
        try repo.commitAll("ci")
        for flag in ["--list", "--graph", "--dry-run"] {
            let result = try await CapturedCommand.run(Self.slipway, ["run", "pull_request", flag, "-C", repo.path], timeout: .seconds(60))
            #expect(result.succeeded)
            #expect(result.standardOutput.hasPrefix("no workflow matches event 'pull_request'"), "\(flag): \(result.standardOutput)")
            #expect(result.standardOutput.hasSuffix("\n"))
        }
    }

    @Test func aFailedImageBuildEndsItsErrorLine() async throws {
        let context = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-bad-build-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: context, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: context) }
        for dockerfile in ["FROM\n", "FROM scratch\nCOPY missing /x\n", "FROM scratch\nRUN <<EOF\nnever closed\n"] {
            try dockerfile.write(toFile: "\(context)/Dockerfile", atomically: false, encoding: .utf8)
            let result = try await CapturedCommand.run(
                Self.slipway, ["image", "build", "-t", "bad:1", context], environment: ["SLIPWAY_IMAGE_STORE": "\(context)/store"],
                timeout: .seconds(60))
            #expect(!result.succeeded)
            #expect(result.standardError.hasSuffix("\n"), "\(result.standardError)")
            #expect(result.standardError.contains("\(context)/Dockerfile:"), "the error names the file and line")
        }
    }
}
