import Expressions
import Foundation
import SlipwayTesting
import Testing

/// One file of GitHub's workflow-parser conformance corpus, split into its documents.
struct WorkflowParserCase: Sendable, CustomTestStringConvertible {
    struct ExpectedError: Sendable {
        var line: Int?
        var column: Int?
        var message: String
    }

    var name: String
    var workflow: String
    /// Called workflows by `uses:` reference.
    var called: [String: String]
    /// Nil when the workflow must be accepted.
    var errors: [ExpectedError]?
    /// Listed in skipped-tests.txt: GitHub's TypeScript parser fails these too.
    var isKnownDivergence: Bool

    var testDescription: String { name }

    /// GitHub's workflow-parser cases inside the shared conformance data.
    static let dataDirectory = "languageservices-workflow-parser"

    static func directory() throws -> URL {
        URL(fileURLWithPath: try ConformanceData.require(dataDirectory))
    }

    static func load() throws -> [WorkflowParserCase] {
        let directory = try directory()
        let skipped = Set(
            try String(contentsOf: directory.appendingPathComponent("skipped-tests.txt"), encoding: .utf8)
                .split(whereSeparator: \.isNewline).map(String.init))
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".yml") }.sorted()
        return try names.map { name in
            let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
            var documents: [String] = [""]
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                if line == "---" { documents.append("") } else { documents[documents.count - 1] += line + "\n" }
            }
            var called: [String: String] = [:]
            var index = 2
            while index + 1 < documents.count - 1 {
                called[documents[index].trimmingCharacters(in: .whitespacesAndNewlines)] = documents[index + 1]
                index += 2
            }
            let expected = try JSON.parse(documents[documents.count - 1])
            var errors: [ExpectedError]?
            if let list = expected["errors"].arrayValue {
                errors = list.items.map { item in
                    let message = item["Message"].stringValue ?? ""
                    let pattern = /\(Line: (\d+), Col: (\d+)\): (.*)$/
                    if let match = message.firstMatch(of: pattern) {
                        return ExpectedError(line: Int(match.1), column: Int(match.2), message: String(match.3))
                    }
                    return ExpectedError(line: nil, column: nil, message: message)
                }
            }
            return WorkflowParserCase(
                name: name, workflow: documents[1], called: called, errors: errors, isKnownDivergence: skipped.contains(name))
        }
    }
}
