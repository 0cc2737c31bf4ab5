import Core
import Foundation
import SlipwayTesting
import Testing

@testable import Workflows

/// Feeds the loader 10,000 random mutations of real workflows. Every one must end in a workflow or in diagnostics
/// that all carry a position; a crash fails the whole test run.
@Suite struct WorkflowFuzzTests {
    static let fragments = [
        ":", " ", "-", "\n", "  ", "{", "}", "[", "]", "'", "\"", "${{", "}}", "#", "&a", "*a", "!!str ", "!!bool ", "|", ">",
        "\t", "on", "jobs", "needs: [x]", "uses: ./", "${{ insert }}", "${{ matrix.x }}", "\u{0}", "é", "\\", ",", "?", "%",
    ]

    /// The workflow documents of GitHub's parser corpus (valid and invalid ones).
    static func corpus() throws -> [String] {
        try WorkflowParserCase.load().map(\.workflow)
    }

    /// Mutates GitHub's parser corpus, so it needs the shared conformance data.
    @Test(
        .enabled(
            if: ConformanceData.shouldRun(WorkflowParserCase.dataDirectory),
            "GitHub's workflow-parser cases are not here (../shared/conformance/languageservices-workflow-parser)")
    )
    func tenThousandMutationsNeverCrash() throws {
        let corpus = try Self.corpus().filter { !$0.isEmpty }
        try #require(corpus.count > 100)
        var random = Mutator(seed: 0x5EED, fragments: Self.fragments)
        var accepted = 0
        var rejected = 0
        let count = ProcessInfo.processInfo.environment["SLIPWAY_FUZZ_COUNT"].flatMap(Int.init) ?? 10_000
        for iteration in 0..<count {
            let text = random.mutate(corpus[random.below(corpus.count)])
            do {
                _ = try WorkflowLoader.load(text: text, path: "fuzz.yml")
                accepted += 1
            } catch {
                rejected += 1
                #expect(!error.items.isEmpty, "iteration \(iteration): rejected without a diagnostic")
                #expect(error.items.allSatisfy { $0.location?.file == "fuzz.yml" || $0.location == nil }, "iteration \(iteration)")
            }
        }
        #expect(accepted + rejected == count)
        // Both outcomes must really occur, or the mutations test nothing.
        #expect(accepted > count / 100 && rejected > count / 10, "accepted \(accepted), rejected \(rejected)")
    }
}
