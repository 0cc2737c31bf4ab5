import KubernetesAPI
import Manifests
import TargetKit
import Testing

struct SelectorTests {
    static let labels = ["app": "web", "tier": "front", "env": "qa"]

    static let cases: [(selector: String, matches: Bool)] = [
        ("", true), ("app=web", true), ("app==web", true), ("app!=web", false), ("app=web,tier=front", true),
        ("app=web,tier=back", false), ("env in (qa,pre)", true), ("env notin (qa,pre)", false), ("env in (prod)", false),
        ("canary", false), ("!canary", true), ("app", true), ("!app", false), ("missing!=x", true), ("missing notin (x)", true),
    ]

    @Test(arguments: cases) func labelSelector(_ item: (selector: String, matches: Bool)) throws {
        #expect(try LabelSelector.parse(item.selector).matches(Self.labels) == item.matches, "\(item.selector)")
    }

    @Test func badLabelSelectorsAreRefusedWithTheirText() {
        for text in ["app=web,=x", "env in qa", "a b=c"] {
            #expect(throws: APIStatus.self, "\(text)") { try LabelSelector.parse(text) }
        }
    }

    @Test func fieldSelectorsOnlyOnTheFieldsEachResourceAllows() throws {
        let pods = try #require(APIResourceCatalog().resource(for: .pod))
        let pod: ManifestValue = .object([
            "metadata": .object(["name": .string("web-1"), "namespace": .string("default")]),
            "status": .object(["phase": .string("Running")]),
        ])
        #expect(try FieldSelector.parse("metadata.name=web-1", for: pods).matches(pod))
        #expect(try FieldSelector.parse("status.phase!=Running", for: pods).matches(pod) == false)
        #expect(try FieldSelector.parse("metadata.name=web-1,metadata.namespace=default", for: pods).matches(pod))
        do {
            _ = try FieldSelector.parse("spec.foo=x", for: pods)
            Issue.record("an unknown field selector is accepted")
        } catch {
            #expect(error.code == 400 && error.message.contains("\"spec.foo\" is not a known field selector"), "\(error)")
        }
    }
}
