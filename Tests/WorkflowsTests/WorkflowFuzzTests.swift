import Core
import Foundation
import SlipwayTesting
import Testing

@testable import Workflows

/// Feeds the loader 10,000 random mutations of real workflows. Every one must end in a workflow or in diagnostics
/// that all carry a position; a crash fails the whole test run.
@Suite struct WorkflowFuzzTests {
    /// SplitMix64: deterministic, so a failure reproduces from its iteration number.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { n <= 0 ? 0 : Int(next() % UInt64(n)) }
    }

    static let fragments = [
        ":", " ", "-", "\n", "  ", "{", "}", "[", "]", "'", "\"", "${{", "}}", "#", "&a", "*a", "!!str ", "!!bool ", "|", ">",
        "\t", "on", "jobs", "needs: [x]", "uses: ./", "${{ insert }}", "${{ matrix.x }}", "\u{0}", "é", "\\", ",", "?", "%",
    ]

    static func mutate(_ text: String, _ random: inout Random) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for _ in 0..<(1 + random.below(4)) {
            guard !lines.isEmpty else {
                lines = [""]
                continue
            }
            let index = random.below(lines.count)
            switch random.below(7) {
            case 0: lines.remove(at: index)
            case 1: lines.insert(lines[index], at: random.below(lines.count + 1))
            case 2: lines.swapAt(index, random.below(lines.count))
            case 3: lines[index] = String(repeating: " ", count: random.below(9)) + lines[index].trimmingCharacters(in: .whitespaces)
            case 4:
                var characters = Array(lines[index])
                let at = random.below(characters.count + 1)
                characters.insert(contentsOf: Self.fragments[random.below(Self.fragments.count)], at: at)
                lines[index] = String(characters)
            case 5:
                var characters = Array(lines[index])
                if !characters.isEmpty {
                    let start = random.below(characters.count)
                    characters.removeSubrange(start..<min(characters.count, start + 1 + random.below(6)))
                }
                lines[index] = String(characters)
            default: lines = Array(lines.prefix(index))
            }
        }
        return lines.joined(separator: "\n")
    }

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
        var random = Random(state: 0x5EED)
        var accepted = 0
        var rejected = 0
        for iteration in 0..<10_000 {
            let text = Self.mutate(corpus[random.below(corpus.count)], &random)
            do {
                _ = try WorkflowLoader.load(text: text, path: "fuzz.yml")
                accepted += 1
            } catch {
                rejected += 1
                #expect(!error.items.isEmpty, "iteration \(iteration): rejected without a diagnostic")
                #expect(error.items.allSatisfy { $0.location?.file == "fuzz.yml" || $0.location == nil }, "iteration \(iteration)")
            }
        }
        #expect(accepted + rejected == 10_000)
        // Both outcomes must really occur, or the mutations test nothing.
        #expect(accepted > 100 && rejected > 1_000, "accepted \(accepted), rejected \(rejected)")
    }
}
