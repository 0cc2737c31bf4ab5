import Core
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
    func rendersLikeKustomize(_ name: String) async throws {
        if name.contains("remote") { try await RemoteFixtures.shared.prepare() }
        let kustomizer = Kustomizer(options: .init(remoteCacheDirectory: RemoteFixtures.cacheDirectory))
        let caseDirectory = Self.root + "/" + name
        let target =
            (try? String(contentsOfFile: caseDirectory + "/target", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "."
        let directory = caseDirectory + "/tree/" + target
        if let expected = FileManager.default.contents(atPath: caseDirectory + "/expected.yaml") {
            let output = try await kustomizer.build(directory: directory).yaml()
            #expect(output == String(decoding: expected, as: UTF8.self), "\(name)")
        } else {
            let needles = try String(contentsOfFile: caseDirectory + "/expected-error", encoding: .utf8)
                .split(separator: "\n").map(String.init).filter { !$0.isEmpty }
            #expect(!needles.isEmpty, "\(name) needs expected.yaml or expected-error")
            do {
                let output = try await kustomizer.build(directory: directory).yaml()
                Issue.record("\(name): expected an error, got output:\n\(output)")
            } catch {
                for needle in needles {
                    #expect(error.description.contains(needle), "\(name): '\(error)' should mention '\(needle)'")
                }
            }
        }
    }
}

/// The git repositories the `remote-*` cases fetch, built once per test process by the same script that
/// `scripts/update-kustomize-fixtures` runs.
actor RemoteFixtures {
    static let shared = RemoteFixtures()
    static let cacheDirectory = "/tmp/slipway-kustomize-test-cache"
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../scripts/make-kustomize-remotes").standardizedFileURL.path

    private var prepared = false

    func prepare() async throws {
        if prepared { return }
        let sources = (Bundle.module.resourceURL?.appendingPathComponent("Fixtures/kustomize-remotes").path) ?? ""
        let result = try await CapturedCommand.run("bash", [Self.script, sources], timeout: .seconds(60))
        guard result.succeeded else {
            throw RemoteFixtureFailure(description: "\(Self.script) failed (\(result.status)): \(result.standardError)")
        }
        prepared = true
    }
}

struct RemoteFixtureFailure: Error, CustomStringConvertible {
    var description: String
}
