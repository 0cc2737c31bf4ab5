import Foundation
import KubernetesAPI
import Manifests
import Testing

/// The three non-apply patch types as tables: document, patch, result (or the error's status code).
struct PatchTests {
    static func json(_ text: String) -> ManifestValue {
        (try? ManifestValue(json: Data(text.utf8))) ?? .null
    }

    static let jsonPatchCases: [(document: String, patch: String, result: String)] = [
        (#"{"a":1}"#, #"[{"op":"add","path":"/b","value":2}]"#, #"{"a":1,"b":2}"#),
        (#"{"a":[1,2]}"#, #"[{"op":"add","path":"/a/1","value":9}]"#, #"{"a":[1,9,2]}"#),
        (#"{"a":[1,2]}"#, #"[{"op":"add","path":"/a/-","value":3}]"#, #"{"a":[1,2,3]}"#),
        (#"{"a":1,"b":2}"#, #"[{"op":"remove","path":"/a"}]"#, #"{"b":2}"#),
        (#"{"a":{"x":1}}"#, #"[{"op":"replace","path":"/a/x","value":5}]"#, #"{"a":{"x":5}}"#),
        (#"{"a":1}"#, #"[{"op":"move","from":"/a","path":"/b"}]"#, #"{"b":1}"#),
        (#"{"a":[1]}"#, #"[{"op":"copy","from":"/a/0","path":"/b"}]"#, #"{"a":[1],"b":1}"#),
        (#"{"a":1}"#, #"[{"op":"test","path":"/a","value":1},{"op":"add","path":"/c","value":3}]"#, #"{"a":1,"c":3}"#),
        // `~1` is `/` and `~0` is `~` in a pointer (annotation keys have slashes).
        (#"{"m":{}}"#, #"[{"op":"add","path":"/m/app.kubernetes.io~1name","value":"w"}]"#, #"{"m":{"app.kubernetes.io/name":"w"}}"#),
        (#"{"m":{}}"#, #"[{"op":"add","path":"/m/a~0b","value":1}]"#, #"{"m":{"a~b":1}}"#),
    ]

    @Test(arguments: jsonPatchCases) func jsonPatch(_ item: (document: String, patch: String, result: String)) throws {
        #expect(try JSONPatch.apply(Self.json(item.patch), to: Self.json(item.document)) == Self.json(item.result))
    }

    static let jsonPatchFailures: [(document: String, patch: String, code: Int)] = [
        (#"{"a":1}"#, #"[{"op":"test","path":"/a","value":2}]"#, 422),
        (#"{"a":1}"#, #"[{"op":"remove","path":"/b"}]"#, 422),
        (#"{"a":1}"#, #"[{"op":"replace","path":"/b","value":1}]"#, 422),
        (#"{"a":[1]}"#, #"[{"op":"add","path":"/a/5","value":1}]"#, 422),
        (#"{"a":1}"#, #"[{"op":"frobnicate","path":"/a"}]"#, 422),
        (#"{"a":1}"#, #"{"op":"add"}"#, 400),
    ]

    @Test(arguments: jsonPatchFailures) func jsonPatchFailure(_ item: (document: String, patch: String, code: Int)) {
        #expect(throws: APIStatus.self) { try JSONPatch.apply(Self.json(item.patch), to: Self.json(item.document)) }
        do {
            _ = try JSONPatch.apply(Self.json(item.patch), to: Self.json(item.document))
        } catch {
            #expect(error.code == item.code, "\(error)")
        }
    }

    /// RFC 7386's own examples, in part.
    static let mergeCases: [(document: String, patch: String, result: String)] = [
        (#"{"a":"b"}"#, #"{"a":"c"}"#, #"{"a":"c"}"#),
        (#"{"a":"b"}"#, #"{"b":"c"}"#, #"{"a":"b","b":"c"}"#),
        (#"{"a":"b"}"#, #"{"a":null}"#, #"{}"#),
        (#"{"a":"b","b":"c"}"#, #"{"a":null}"#, #"{"b":"c"}"#),
        (#"{"a":["b"]}"#, #"{"a":"c"}"#, #"{"a":"c"}"#),
        (#"{"a":{"b":"c"}}"#, #"{"a":{"b":"d","c":null}}"#, #"{"a":{"b":"d"}}"#),
        (#"{"a":[{"b":"c"}]}"#, #"{"a":[1]}"#, #"{"a":[1]}"#),
        (#"{}"#, #"{"a":{"bb":{"ccc":null}}}"#, #"{"a":{"bb":{}}}"#),
    ]

    @Test(arguments: mergeCases) func mergePatch(_ item: (document: String, patch: String, result: String)) {
        #expect(MergePatch.apply(Self.json(item.patch), to: Self.json(item.document)) == Self.json(item.result))
    }

    static let deployment = #"""
        {"spec":{"replicas":2,"template":{"metadata":{"labels":{"app":"web"}},"spec":{
          "containers":[{"name":"web","image":"a:1","env":[{"name":"A","value":"1"},{"name":"B","value":"2"}],
                         "ports":[{"containerPort":80},{"containerPort":81}]},
                        {"name":"side","image":"s:1"}],
          "volumes":[{"name":"data","emptyDir":{}}],
          "tolerations":[{"key":"x"}]}}},
         "metadata":{"finalizers":["a"]}}
        """#

    static let strategicCases: [(name: String, patch: String, check: @Sendable (ManifestValue) -> Bool)] = [
        (
            "a container merges by name", #"{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"a:2"}]}}}}"#,
            { $0.value(at: ["spec", "template", "spec"])?["containers"]?.array?.map { $0["image"]?.string ?? "" } == ["a:2", "s:1"] }
        ),
        (
            "env merges by name inside the container",
            #"{"spec":{"template":{"spec":{"containers":[{"name":"web","env":[{"name":"B","value":"9"},{"name":"C","value":"3"}]}]}}}}"#,
            {
                $0.value(at: ["spec", "template", "spec"])?["containers"]?.array?.first?["env"]?.array?.compactMap { $0["value"]?.string }
                    == ["1", "9", "3"]
            }
        ),
        (
            "$patch: delete removes one item",
            #"{"spec":{"template":{"spec":{"containers":[{"name":"side","$patch":"delete"}]}}}}"#,
            { $0.value(at: ["spec", "template", "spec"])?["containers"]?.array?.count == 1 }
        ),
        (
            "a list without a merge key is replaced",
            #"{"spec":{"template":{"spec":{"tolerations":[{"key":"y"}]}}}}"#,
            { $0.value(at: ["spec", "template", "spec", "tolerations"]) == PatchTests.json(#"[{"key":"y"}]"#) }
        ),
        (
            "$setElementOrder orders the merged list",
            #"{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"side"},{"name":"web"}],"containers":[{"name":"web","image":"a:3"}]}}}}"#,
            { $0.value(at: ["spec", "template", "spec"])?["containers"]?.array?.compactMap { $0["name"]?.string } == ["side", "web"] }
        ),
        (
            "ports merge by containerPort",
            #"{"spec":{"template":{"spec":{"containers":[{"name":"web","ports":[{"containerPort":81,"name":"metrics"}]}]}}}}"#,
            {
                $0.value(at: ["spec", "template", "spec"])?["containers"]?.array?.first?["ports"]
                    == PatchTests.json(#"[{"containerPort":80},{"containerPort":81,"name":"metrics"}]"#)
            }
        ),
        (
            "$patch: replace on a list replaces it",
            #"{"spec":{"template":{"spec":{"containers":[{"name":"only","image":"o:1"},{"$patch":"replace"}]}}}}"#,
            { $0.value(at: ["spec", "template", "spec"])?["containers"] == PatchTests.json(#"[{"name":"only","image":"o:1"}]"#) }
        ),
        (
            "$retainKeys drops the other keys of the map",
            #"{"spec":{"template":{"spec":{"volumes":[{"name":"data","$retainKeys":["name","hostPath"],"hostPath":{"path":"/d"}}]}}}}"#,
            { $0.value(at: ["spec", "template", "spec"])?["volumes"] == PatchTests.json(#"[{"name":"data","hostPath":{"path":"/d"}}]"#) }
        ),
        (
            "null removes a field", #"{"spec":{"replicas":null}}"#, { $0.value(at: ["spec", "replicas"]) == nil }
        ),
        (
            "finalizers merge as a set, $deleteFromPrimitiveList removes",
            #"{"metadata":{"finalizers":["b"],"$deleteFromPrimitiveList/finalizers":["a"]}}"#,
            { $0.value(at: ["metadata", "finalizers"]) == PatchTests.json(#"["b"]"#) }
        ),
    ]

    @Test(arguments: strategicCases.indices) func strategicMergePatch(_ index: Int) throws {
        let item = Self.strategicCases[index]
        let result = try StrategicMergePatch.apply(Self.json(item.patch), to: Self.json(Self.deployment))
        #expect(item.check(result), "\(item.name): \(result.jsonText)")
    }
}
