import Foundation
import Manifests
import Testing

/// Slipway's yq subset: reads and assignments on manifests, edited in place so the rest of the text stays as written.
@Suite struct YQDocumentTests {
    static let deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: app # keep this comment
          labels: {}
        spec:
          replicas: 2
          template:
            metadata:
              labels:
                app: web
            spec:
              containers:
                - name: app
                  image: "registry.local/app:1.0"
                  args: ['--port', "8080"]
        """

    static func evaluate(_ expression: String, _ text: String = deployment, environment: [String: String] = [:]) throws -> String {
        var document = YQDocument(text)
        switch try document.evaluate(try YQExpression.parse(expression), environment: environment) {
        case .document(let text): return text
        case .value(let value): return value
        }
    }

    @Test(arguments: [
        (".metadata.name", "app"),
        (".spec.replicas", "2"),
        (".spec.template.spec.containers[0].image", "registry.local/app:1.0"),
        (".spec.template.spec.containers[0].args[1]", "8080"),
        (".spec.missing", "null"),
        (".spec.template.metadata.labels", "app: web"),
        (".spec | .template | .metadata.labels.app", "web"),
        (#".["kind"]"#, "Deployment"),
        (#"."metadata".name"#, "app"),
    ])
    func reads(_ expression: String, expected: String) throws {
        #expect(try Self.evaluate(expression) == expected)
    }

    @Test func assignmentsEditOnlyTheirNode() throws {
        let edited = try Self.evaluate(#".spec.template.spec.containers[0].image = "registry.local/app:2.0""#)
        #expect(
            edited == Self.deployment.replacingOccurrences(of: #"image: "registry.local/app:1.0""#, with: "image: registry.local/app:2.0"))
        let renamed = try Self.evaluate(#".metadata.name = "app-canary""#)
        #expect(renamed.contains("  name: app-canary # keep this comment"))
        let replicas = try Self.evaluate(".spec.replicas = 5")
        #expect(replicas.contains("  replicas: 5\n"))
    }

    @Test func missingKeysAreCreatedAtTheMappingsIndentation() throws {
        let labelled = try Self.evaluate(#".spec.template.metadata.labels.version = "canary""#)
        #expect(labelled.contains("        app: web\n        version: canary\n"))
        let annotated = try Self.evaluate(#".metadata.annotations.owner = "team a""#)
        #expect(annotated.contains("  labels: {}\n  annotations:\n    owner: team a\n"))
        let emptyLabels = try Self.evaluate(#".metadata.labels.tier = "web""#)
        #expect(emptyLabels.contains("  labels: {tier: web}\n"))
        let flow = try Self.evaluate(
            #".spec.template.metadata.labels.version = "canary""#, "spec: {template: {metadata: {labels: {app: web}}}}\n")
        #expect(flow == "spec: {template: {metadata: {labels: {app: web, version: canary}}}}\n")
        let nested = try Self.evaluate(#".metadata.annotations.a = "b""#, "metadata: {name: x}\n")
        #expect(nested == "metadata: {name: x, annotations: {a: b}}\n")
        let fresh = try Self.evaluate(#".a.b[0].c = "d""#, "")
        #expect(fresh == "a:\n  b:\n    - c: d\n")
    }

    @Test func valuesAreQuotedWhenYAMLWouldReadThemOtherwise() throws {
        #expect(try Self.evaluate(#".a = "true""#, "a: x\n") == "a: \"true\"\n")
        #expect(try Self.evaluate(#".a = "1.5""#, "a: x\n") == "a: \"1.5\"\n")
        #expect(try Self.evaluate(#".a = "x: y""#, "a: x\n") == "a: \"x: y\"\n")
        #expect(try Self.evaluate(".a = null", "a: x\n") == "a: null\n")
        #expect(try Self.evaluate(".a = strenv(TAG)", "a: x\n", environment: ["TAG": "007"]) == "a: \"007\"\n")
        #expect(try Self.evaluate(".a = env(TAG)", "a: x\n", environment: ["TAG": "7"]) == "a: 7\n")
        #expect(try Self.evaluate(".a = .b", "a: x\nb: z\n") == "a: z\nb: z\n")
        // As go-yaml v3 writes them: YAML 1.1 booleans stay quoted.
        #expect(try Self.evaluate(".a = .b", "a: x\nb: y\n") == "a: \"y\"\nb: y\n")
        #expect(try Self.evaluate(#".a = "it's""#, "a: 'x'\n") == "a: it's\n")
    }

    @Test(arguments: ["del(.a)", ".a |= 1", ".a += 1", ".a == 1", "select(.a)", ".a[]", "keys", ".a = \"unterminated"])
    func unsupportedExpressionsAreRefusedByName(_ expression: String) {
        #expect(throws: YQExpression.ParseError.self) { try YQExpression.parse(expression) }
    }

    @Test func collectionsAndFlowMappingsAreNotReplaced() throws {
        #expect(throws: YQDocument.Failure.self) { try Self.evaluate(#".spec = "x""#) }
        #expect(throws: YQDocument.Failure.self) { try Self.evaluate(#".spec.template.spec.containers[3].name = "x""#) }
    }
}
