import Core
import Foundation
import SlipwayTesting
import Testing
import Workflows

@testable import Runner

/// A process's output as lines, whatever the chunks it arrives in; a huge line never fails the step.
@Suite struct OutputLineSplitterTests {
    @Test func linesAcrossChunksAndEveryLineBreak() {
        var splitter = OutputLineSplitter()
        var lines: [String] = []
        for chunk in ["one\ntw", "o\r", "\nthree\rfour", "\n", "last"] { lines += splitter.feed(Array(chunk.utf8)) }
        if let rest = splitter.finish() { lines.append(rest) }
        #expect(lines == ["one", "two", "three", "four", "last"])
    }

    @Test func aLineOverTheLimitComesInPiecesWithANotice() {
        var splitter = OutputLineSplitter()
        let huge = [UInt8](repeating: UInt8(ascii: "x"), count: 200 * 1024)
        var lines = splitter.feed(huge + Array("\nafter\n".utf8))
        if let rest = splitter.finish() { lines.append(rest) }
        #expect(lines.first == OutputLineSplitter.notice)
        #expect(lines.dropFirst().dropLast().map(\.count) == [65536, 65536, 65536, 8192], "nothing lost")
        #expect(lines.last == "after")
    }
}

/// Through a real step: a 200 KiB line is logged in pieces and the step succeeds.
@Suite struct HugeOutputLineTests {
    @Test func aStepPrintingAHugeLineSucceeds() async throws {
        let repo = try TemporaryRepository.make()
        defer { repo.remove() }
        let workflow = try WorkflowLoader.load(
            text: """
                on: push
                jobs:
                  a:
                    runs-on: ubuntu-latest
                    steps:
                      - run: head -c 204800 /dev/zero | tr '\\0' x; echo; echo done
                """, path: ".github/workflows/huge.yml")
        let event = WorkflowEvent(name: "push", ref: "refs/heads/main", sha: String(repeating: "c", count: 40))
        let options = RunOptions(repositoryRoot: repo.path, event: event, stateDirectory: "\(repo.path)/.slipway")
        let record = await WorkflowRunner(workflow: workflow, options: options, reporter: SilentReporter()).run()
        #expect(record.result == .success, "\(record.jobs.first?.failureReason ?? "")")
        let log = record.jobs.flatMap(\.log)
        #expect(log.contains { $0.contains(OutputLineSplitter.notice) } && log.contains("  | done"))
        let pieces: [String] = log.filter { $0.hasPrefix("  | xxxx") }
        let logged: Int = pieces.reduce(0) { $0 + $1.count }
        #expect(logged == 204_800 + 4 * pieces.count && pieces.count == 4, "every byte logged, in 4 pieces")
    }
}
