import Foundation
import Manifests
import SlipwayTesting
import Testing

/// kustomize's behaviour on what teams write: the minimal reproducers of `../shared/conformance/kustomize-repros` and
/// the real build roots of `../shared/conformance/kustomize-real` (each with `kubectl kustomize`'s output), rendered in
/// process and compared byte for byte: every one must be identical.
@Suite(
    .enabled(
        if: ConformanceData.shouldRun("kustomize-real") && ConformanceData.shouldRun("kustomize-repros"),
        "the kustomize corpora are not here (../shared/conformance/kustomize-real and kustomize-repros)"))
struct KustomizeUpstreamTests {
    static var repros: [String] {
        guard let root = ConformanceData.path("kustomize-repros") else { return [] }
        return ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).filter {
            FileManager.default.fileExists(atPath: "\(root)/\($0)/expected.yaml")
        }.sorted()
    }

    /// `cases.txt`: KEY, tab, directory (relative to the corpus).
    static var realCases: [(key: String, directory: String)] {
        guard let root = ConformanceData.path("kustomize-real"),
            let text = try? String(contentsOfFile: "\(root)/cases.txt", encoding: .utf8)
        else { return [] }
        return text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: "\t").map(String.init)
            guard fields.count == 2, !fields[0].hasPrefix("#") else { return nil }
            return (fields[0], fields[1])
        }
    }

    static func render(_ directory: String) async -> String {
        do {
            return try await Kustomizer().build(directory: directory).yaml()
        } catch {
            return "error: \(error)"
        }
    }

    @Test func reproducers() async throws {
        let root = try ConformanceData.require("kustomize-repros")
        let names = Self.repros
        try #require(names.count >= 19)
        var identical = 0
        for name in names {
            let target = try String(contentsOfFile: "\(root)/\(name)/target.txt", encoding: .utf8).trimmingCharacters(
                in: .whitespacesAndNewlines)
            let expected = try String(contentsOfFile: "\(root)/\(name)/expected.yaml", encoding: .utf8)
            let output = await Self.render("\(root)/\(name)/\(target)")
            let same = output == expected
            if same { identical += 1 }
            #expect(same, "\(name): Slipway renders\n\(output)\nkubectl kustomize renders\n\(expected)")
        }
        print("kustomize reproducers identical: \(identical)/\(names.count)")
    }

    @Test(.timeLimit(.minutes(10))) func realBuildRoots() async throws {
        let root = try ConformanceData.require("kustomize-real")
        let cases = Self.realCases
        try #require(cases.count >= 165)
        var identical = 0
        for (key, directory) in cases {
            let expected = try String(contentsOfFile: "\(root)/expected/\(key).yaml", encoding: .utf8)
            let output = await Self.render("\(root)/\(directory)")
            let same = output == expected
            if same { identical += 1 }
            #expect(same, "\(directory) differs from kubectl kustomize: \(output.prefix(300))")
        }
        print("kustomize real build roots identical: \(identical)/\(cases.count)")
    }
}
