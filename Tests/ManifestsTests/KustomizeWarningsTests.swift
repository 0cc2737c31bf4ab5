import Foundation
import Manifests
import Testing

/// What a build reads but does not honour, or what kustomize only logs, reaches the user as a warning naming it.
struct KustomizeWarningsTests {
    static func build(_ files: [String: String]) async throws -> Kustomizer.Output {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kwarn-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(toFile: "\(directory)/\(name)", atomically: true, encoding: .utf8) }
        return try await Kustomizer().build(directory: directory)
    }

    static let configMap = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: \"$(NAME)\"\n"

    @Test func buildMetadataIsNamedAsIgnored() async throws {
        let output = try await Self.build([
            "kustomization.yaml": "resources: [cm.yaml]\nbuildMetadata: [originAnnotations, managedByLabel]\n", "cm.yaml": Self.configMap,
        ])
        #expect(output.warnings.contains { $0.contains("'buildMetadata'") && $0.contains("ignored") }, "\(output.warnings)")
        #expect(try output.yaml().contains("config.kubernetes.io/origin") == false)
    }

    @Test func crdsAreNamedAsIgnored() async throws {
        let output = try await Self.build([
            "kustomization.yaml": "resources: [cm.yaml]\ncrds: [widget-schema.json]\n", "cm.yaml": Self.configMap,
        ])
        #expect(output.warnings.contains { $0.contains("'crds'") && $0.contains("ignored") }, "\(output.warnings)")
    }

    @Test func varsNeverReplacedAreNamed() async throws {
        let output = try await Self.build([
            "kustomization.yaml": "resources: [cm.yaml]\nvars:\n- name: UNUSED\n  objref: {kind: ConfigMap, name: c, apiVersion: v1}\n",
            "cm.yaml": Self.configMap,
        ])
        #expect(output.warnings.contains("well-defined vars that were never replaced: UNUSED"), "\(output.warnings)")
        // ConfigMap data is not a var-reference field: `$(NAME)` stays as written.
        #expect(try output.yaml().contains("a: $(NAME)"))
    }
}
