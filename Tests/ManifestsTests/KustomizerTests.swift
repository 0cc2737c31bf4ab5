import Foundation
import Manifests
import Testing

/// The library API the sync engine uses, and robustness against malformed input.
@Suite struct KustomizerTests {
    static let fixtures = Bundle.module.resourceURL?.appendingPathComponent("Fixtures/kustomize").path ?? ""

    func copyOfCase(_ name: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kz-\(UUID().uuidString)").path
        try FileManager.default.copyItem(atPath: Self.fixtures + "/" + name + "/tree", toPath: directory)
        return directory
    }

    @Test func rendersAreCachedUntilAnInputChanges() async throws {
        let directory = try copyOfCase("seed-overlay-qa")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let overlay = directory + "/gitops/overlays/qa/my-app"
        let kustomizer = Kustomizer()
        let first = try await kustomizer.build(directory: overlay).yaml()
        #expect(try await kustomizer.build(directory: overlay).yaml() == first)
        let base = directory + "/gitops/base/my-app/deployment.yaml"
        let text = try String(contentsOfFile: base, encoding: .utf8).replacingOccurrences(
            of: "containerPort: 8080", with: "containerPort: 9090")
        try Data(text.utf8).write(to: URL(fileURLWithPath: base))
        let second = try await kustomizer.build(directory: overlay).yaml()
        #expect(second != first)
        #expect(second.contains("containerPort: 9090"))
        #expect(try await Kustomizer().build(directory: overlay).yaml() == second)
    }

    @Test func objectsComeBackInOutputOrder() async throws {
        let output = try await Kustomizer().build(directory: Self.fixtures + "/seed-overlay-pre/tree/gitops/overlays/pre/my-app")
        let kinds = output.resources.compactMap { $0["kind"]?.string }
        #expect(kinds == ["ConfigMap", "Service", "Deployment", "DestinationRule", "VirtualService"])
        #expect(output.resources.allSatisfy { $0.value(at: ["metadata", "namespace"])?.string == "my-app-pre" })
    }

    /// Random byte edits of real kustomizations and resources: every build either renders or throws a
    /// `KustomizeError`; none may crash or hang.
    @Test func mutatedInputsNeverCrash() async throws {
        var generator = SystemRandomNumberGenerator()
        let cases = ["seed-overlay-prod-canary", "patch-smp-directives", "configmap-generator", "replacements", "images-all-forms"]
        var outcomes = (rendered: 0, rejected: 0)
        for name in cases {
            let directory = try copyOfCase(name)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let files = (FileManager.default.enumerator(atPath: directory)?.allObjects as? [String] ?? [])
                .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".env") || $0.hasSuffix(".properties") }
            let target =
                (try? String(contentsOfFile: Self.fixtures + "/" + name + "/target", encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines) ?? "."
            for _ in 0..<120 {
                guard let file = files.randomElement(using: &generator) else { continue }
                let path = directory + "/" + file
                let original = try Data(contentsOf: URL(fileURLWithPath: path))
                var bytes = [UInt8](original)
                for _ in 0..<Int.random(in: 1...4, using: &generator) where !bytes.isEmpty {
                    let index = Int.random(in: 0..<bytes.count, using: &generator)
                    let pool: [UInt8] = Array(":- \n\t#{}[]&*!|>'\"%@`0a9.~".utf8)
                    switch Int.random(in: 0..<3, using: &generator) {
                    case 0: bytes[index] = pool.randomElement(using: &generator) ?? 0x20
                    case 1: bytes.remove(at: index)
                    default: bytes.insert(pool.randomElement(using: &generator) ?? 0x20, at: index)
                    }
                }
                try Data(bytes).write(to: URL(fileURLWithPath: path))
                do {
                    _ = try await Kustomizer().build(directory: directory + "/" + target).yaml()
                    outcomes.rendered += 1
                } catch {
                    #expect(!error.description.isEmpty)
                    outcomes.rejected += 1
                }
                try original.write(to: URL(fileURLWithPath: path))
            }
        }
        #expect(outcomes.rendered + outcomes.rejected == cases.count * 120)
        #expect(outcomes.rejected > 0)
    }
}
