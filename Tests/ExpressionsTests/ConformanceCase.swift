import Foundation
import SlipwayTesting
import Testing

@testable import Expressions

/// One case of GitHub's cross-language expression conformance data.
struct ConformanceCase: Sendable, CustomTestStringConvertible {
    let file: String
    let group: String
    let index: Int
    let expression: String
    let contexts: ExpressionObject?
    let expected: ExpressionValue?
    let expectedKind: String?
    let errorKind: String?
    let errorMessage: String?

    var testDescription: String { "\(file) \(group)#\(index): \(expression.prefix(80))" }

    /// GitHub's expression cases inside the shared conformance data.
    static let dataDirectory = "languageservices-expressions"

    static func load() throws -> [ConformanceCase] {
        let directory = URL(fileURLWithPath: try ConformanceData.require(dataDirectory))
        var cases: [ConformanceCase] = []
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".json") }.sorted()
        for file in files {
            let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            guard case .object(let groups) = try JSON.parse(text) else { continue }
            for (group, list) in groups.pairs {
                guard case .array(let items) = list else { continue }
                for (index, item) in items.items.enumerated() {
                    guard case .object(let c) = item, case .string(let expression)? = c["expr"] else { continue }
                    let result = c["result"]?.objectValue
                    let err = c["err"]?.objectValue
                    cases.append(
                        ConformanceCase(
                            file: file, group: group, index: index, expression: expression,
                            contexts: c["contexts"]?.objectValue,
                            expected: result?["value"],
                            expectedKind: result?["kind"]?.stringValue,
                            errorKind: err?["kind"]?.stringValue,
                            errorMessage: err?["value"]?.stringValue
                        ))
                }
            }
        }
        return cases
    }
}

/// Compares an evaluation result with the JSON of the conformance data: numbers numerically,
/// with "NaN" / "Infinity" / "-Infinity" strings standing for those numbers.
func conforms(_ actual: ExpressionValue, _ expected: ExpressionValue) -> Bool {
    switch (actual, expected) {
    case (.number(let a), .number(let b)): return a == b
    case (.number(let a), .string(let s)):
        switch s {
        case "NaN": return a.isNaN
        case "Infinity": return a == .infinity
        case "-Infinity": return a == -.infinity
        default: return false
        }
    case (.array(let a), .array(let b)):
        return a.count == b.count && zip(a.items, b.items).allSatisfy { conforms($0, $1) }
    case (.object(let a), .object(let b)):
        return a.count == b.count && zip(a.pairs, b.pairs).allSatisfy { $0.0 == $1.0 && conforms($0.1, $1.1) }
    default:
        return actual == expected
    }
}
