import Foundation
import Manifests
import Testing

/// Every tree under Fixtures/kustomize renders byte-identically to `kubectl kustomize` (kustomize v5.5.0), whose output
/// is checked in as `expected.yaml`; error cases fail naming what `expected-error` lists.
@Suite struct KustomizeConformanceTests {
    static let root = Bundle.module.resourceURL?.appendingPathComponent("Fixtures/kustomize").path ?? ""

    static var cases: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).filter { !$0.hasPrefix(".") && $0 != "SOURCE.md" }
            .sorted()
    }

    @Test(arguments: cases)
    func rendersLikeKustomize(_ name: String) throws {
        let caseDirectory = Self.root + "/" + name
        let target = (try? String(contentsOfFile: caseDirectory + "/target", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "."
        let directory = caseDirectory + "/tree/" + target
        if let expected = FileManager.default.contents(atPath: caseDirectory + "/expected.yaml") {
            let output = try Kustomizer().build(directory: directory).yaml()
            #expect(output == String(decoding: expected, as: UTF8.self), "\(name)")
        } else {
            let needles = try String(contentsOfFile: caseDirectory + "/expected-error", encoding: .utf8)
                .split(separator: "\n").map(String.init).filter { !$0.isEmpty }
            #expect(!needles.isEmpty, "\(name) needs expected.yaml or expected-error")
            do {
                let output = try Kustomizer().build(directory: directory).yaml()
                Issue.record("\(name): expected an error, got output:\n\(output)")
            } catch {
                for needle in needles {
                    #expect(error.description.contains(needle), "\(name): '\(error)' should mention '\(needle)'")
                }
            }
        }
    }
}
