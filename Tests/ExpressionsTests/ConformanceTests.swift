import SlipwayTesting
import Testing

@testable import Expressions

/// GitHub's 1,020 expression conformance cases (actions/languageservices), each its own test case.
@Suite(
    .enabled(
        if: ConformanceData.shouldRun(ConformanceCase.dataDirectory),
        "GitHub's expression cases are not here (../shared/conformance/languageservices-expressions; set SLIPWAY_CONFORMANCE_DIR)")
)
struct ConformanceTests {
    static let cases: [ConformanceCase] = (try? ConformanceCase.load()) ?? []

    @Test func corpusIsComplete() throws {
        _ = try ConformanceData.require(ConformanceCase.dataDirectory)
        #expect(Self.cases.count == 1020)
    }

    @Test(arguments: cases)
    func conformance(_ c: ConformanceCase) {
        let names = Set(c.contexts?.keys ?? [])
        var context = ExpressionContext()
        for (key, value) in c.contexts?.pairs ?? [] { context[key] = value }
        do {
            let expression = try Expression(c.expression, namedValues: names, hostFunctions: [])
            let value = try expression.evaluate(in: context)
            if let errorMessage = c.errorMessage {
                Issue.record("expected \(c.errorKind ?? "") error containing \"\(errorMessage)\", got \(value)")
                return
            }
            #expect(value.kind.rawValue == c.expectedKind, "kind of \(value)")
            if let expected = c.expected {
                #expect(
                    conforms(value, expected),
                    "got \(JSON.serialize(value, pretty: false)), expected \(JSON.serialize(expected, pretty: false))")
            }
        } catch {
            guard let errorMessage = c.errorMessage else {
                Issue.record("unexpected error: \(error)")
                return
            }
            #expect(error.description.contains(errorMessage), "message: \(error.description)")
            #expect(error.kind.rawValue == c.errorKind, "kind: \(error.kind)")
        }
    }
}
