import Foundation
import Manifests
import Testing

/// `kustomize edit` rules (kustomize v5.5 `setimage.go` and `kustfile.go`): argument forms, merging with existing
/// entries, `*`, sorting, quoting, layout of comments, and idempotence.
@Suite struct KustomizeEditTests {
    func edit(
        _ original: String, fileName: String = "kustomization.yaml", files: [String] = [],
        _ change: (inout KustomizationFile) throws -> Void
    ) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kedit-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Data(original.utf8).write(to: URL(fileURLWithPath: directory + "/" + fileName))
        for extra in files { try Data("{}\n".utf8).write(to: URL(fileURLWithPath: directory + "/" + extra)) }
        var file = try KustomizationFile(directory: directory)
        try change(&file)
        try file.write()
        let first = try String(contentsOfFile: directory + "/" + fileName, encoding: .utf8)
        // Idempotence: the same edit on kustomize's own output changes nothing.
        var again = try KustomizationFile(directory: directory)
        try change(&again)
        #expect(try again.render() == first)
        return first
    }

    static let header = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"

    @Test(arguments: [
        ("nginx:1.27", "- name: nginx\n  newTag: \"1.27\"\n"),
        ("nginx=nginx:1.27", "- name: nginx\n  newName: nginx\n  newTag: \"1.27\"\n"),
        (
            "app=registry.example.com/app:v2@sha256:abc",
            "- digest: sha256:abc\n  name: app\n  newName: registry.example.com/app\n  newTag: v2\n"
        ),
        ("app=registry.example.com/app@sha256:abc", "- digest: sha256:abc\n  name: app\n  newName: registry.example.com/app\n"),
        ("app=registry.example.com/app", "- name: app\n  newName: registry.example.com/app\n"),
        ("app@sha256:abc", "- digest: sha256:abc\n  name: app\n"),
        ("app:v1@sha256:abc", "- digest: sha256:abc\n  name: app\n  newTag: v1\n"),
        ("localhost:5000/app:v1", "- name: localhost:5000/app\n  newTag: v1\n"),
        ("a=b=c:1", "- name: a\n  newName: b=c\n  newTag: \"1\"\n"),
        ("app:v1+build.5", "- name: app\n  newTag: v1+build.5\n"),
        ("app:1.10", "- name: app\n  newTag: \"1.10\"\n"),
        ("app:08", "- name: app\n  newTag: \"08\"\n"),
        ("app:true", "- name: app\n  newTag: \"true\"\n"),
        ("app:1e3", "- name: app\n  newTag: \"1e3\"\n"),
        ("new:*", "- name: new\n"),
    ])
    func argumentForms(_ argument: String, _ expected: String) throws {
        let output = try edit(Self.header + "resources:\n- a.yaml\n") { try $0.setImages([argument]) }
        #expect(output == Self.header + "resources:\n- a.yaml\nimages:\n" + expected)
    }

    @Test(arguments: ["nginx", "other:with/slash"])
    func malformedArgumentsAreRejected(_ argument: String) throws {
        #expect(throws: KustomizeError.self) { try KustomizationFile.parseImageArgument(argument) }
    }

    @Test func replacesWholeEntriesKeepsStarFieldsAndSorts() throws {
        let original =
            Self.header + """
                images:
                - name: my-app
                  newName: registry.example.com/my-app
                  newTag: 1.0.0
                - name: app
                  newName: registry.example.com/app
                  digest: sha256:old
                - name: mysql
                  newTag: "8"
                - name: zeta
                - name: Mid

                """
        let output = try edit(original) {
            try $0.setImages(["my-app:1.2.3", "app=*:v3", "mysql=mariadb", "_under:1", "alpha:2", "Zed:3", "beta:4"])
        }
        #expect(
            output == Self.header + """
                images:
                - name: Mid
                - name: Zed
                  newTag: "3"
                - name: _under
                  newTag: "1"
                - name: alpha
                  newTag: "2"
                - name: app
                  newName: registry.example.com/app
                  newTag: v3
                - name: beta
                  newTag: "4"
                - name: my-app
                  newTag: 1.2.3
                - name: mysql
                  newName: mariadb
                - name: zeta

                """)
    }

    @Test func laysOutCommentsAsKustomizeDoes() throws {
        let original = """
            # Managed by GitOps bot
            # second header line
            apiVersion: kustomize.config.k8s.io/v1beta1
            kind: Kustomization # inline comment is lost

            # resources section
            resources:
              # comment inside list moves above the key
              - deployment.yaml   # trailing comment lost
              - service.yaml

            # images section
            images:
              - name: my-app # lost
                newTag: "0.1"   # lost
            # trailing comment at end of file is dropped

            """
        let output = try edit(original) { try $0.setImages(["my-app:0.2"]) }
        #expect(
            output == """
                # Managed by GitOps bot
                # second header line
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization

                # resources section
                  # comment inside list moves above the key
                resources:
                - deployment.yaml
                - service.yaml

                # images section
                images:
                - name: my-app
                  newTag: "0.2"

                """)
    }

    @Test func fillsTypeMetadataAndFixesLegacyFields() throws {
        let output = try edit("bases:\n- ../base\nnamePrefix: p-\nimageTags:\n- name: x\n  newTag: \"1\"\n") {
            try $0.setImages(["y:2"])
        }
        #expect(
            output == """
                namePrefix: p-
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources:
                - ../base
                images:
                - name: x
                  newTag: "1"
                - name: "y"
                  newTag: "2"

                """)
    }

    @Test func keepsComponentKindAndFileName() throws {
        let original = "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources:\r\n- a.yaml\r\n"
        let output = try edit(original, fileName: "kustomization.yml") { try $0.setImages(["c:1"]) }
        #expect(
            output
                == "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources:\n- a.yaml\nimages:\n- name: c\n  newTag: "
                + "\"1\"\n"
        )
    }

    @Test func setsNamespaceAndAddsResources() throws {
        let output = try edit("resources:\n- a.yaml\n", files: ["a.yaml", "b.yaml", "c.yml"]) { file in
            try file.setNamespace("team-a")
            _ = try file.addResources(["a.yaml", "*.yaml"])
        }
        #expect(
            output == """
                resources:
                - a.yaml
                - b.yaml
                - kustomization.yaml
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                namespace: team-a

                """)
        #expect(throws: KustomizeError.self) { try KustomizationFile.parseImageArgument("") }
    }

    @Test func rejectsUnknownFieldsAndMissingFiles() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kedit-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(throws: KustomizeError.self) { try KustomizationFile(directory: directory) }
        try Data("resources: []\nfoo: bar\n".utf8).write(to: URL(fileURLWithPath: directory + "/kustomization.yaml"))
        do {
            _ = try KustomizationFile(directory: directory)
            Issue.record("an unknown field must be rejected")
        } catch {
            #expect(error.description.contains("unknown field \"foo\""))
            #expect(error.description.contains("kustomization.yaml"))
        }
    }
}
