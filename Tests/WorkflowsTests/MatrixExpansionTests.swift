import Core
import Expressions
import SlipwayTesting
import Testing

@testable import Workflows

/// Matrix expansion stays linear in the size of an include entry (16,000 keys took 55 s when merging was quadratic).
@Suite struct MatrixExpansionTests {
    @Test func anIncludeEntryWithSixteenThousandKeysMerges() async throws {
        let entry = ExpressionObject((0..<16_000).map { ("key\($0)", ExpressionValue.string("v\($0)")) })
        let matrix = ExpressionValue.object(
            ExpressionObject([
                ("os", .array(ExpressionArray([.string("linux"), .string("mac")]))),
                ("include", .array(ExpressionArray([.object(entry)]))),
            ]))
        // Not a performance assertion: the bound only turns a regression into a failure instead of a hang.
        let combinations = try await Deadline.within(.seconds(30), "expanding the matrix") { try Matrix.expand(matrix) }
        #expect(combinations.count == 2)
        #expect(combinations.allSatisfy { $0.count == 16_001 && $0.last?.key == "key15999" })
    }
}
