/// The field specs transformers use: kustomize's built-in tables plus any `configurations:` files, which merge upward
/// from nested kustomizations (a base's configuration also applies in its overlays).
struct TransformerConfig: Sendable {
    var nameReferences = BuiltinFieldSpecs.nameReferences
    var commonLabels = BuiltinFieldSpecs.commonLabels
    var templateLabels = BuiltinFieldSpecs.templateLabels
    var commonAnnotations = BuiltinFieldSpecs.commonAnnotations
    var images: [FieldSpec] = []
    var namespace = BuiltinFieldSpecs.namespace
    var replicas: [FieldSpec] = []
    var varReferences = BuiltinFieldSpecs.varReferences

    mutating func merge(_ other: TransformerConfig) {
        // Most merges join two copies of the built-in tables (one storage, so `==` answers at once): nothing to add.
        func union(_ a: [FieldSpec], _ b: [FieldSpec]) -> [FieldSpec] { b.isEmpty || a == b ? a : a + b.filter { !a.contains($0) } }
        commonLabels = union(commonLabels, other.commonLabels)
        templateLabels = union(templateLabels, other.templateLabels)
        commonAnnotations = union(commonAnnotations, other.commonAnnotations)
        images = union(images, other.images)
        namespace = union(namespace, other.namespace)
        replicas = union(replicas, other.replicas)
        varReferences = union(varReferences, other.varReferences)
        guard other.nameReferences != nameReferences else { return }
        for reference in other.nameReferences {
            if let index = nameReferences.firstIndex(where: { $0.kind == reference.kind && $0.group == reference.group }) {
                let extra = reference.referrers.filter { !nameReferences[index].referrers.contains($0) }
                nameReferences[index].referrers += extra
            } else {
                nameReferences.append(reference)
            }
        }
    }

    /// A `configurations:` file (YAML with `nameReference`, `commonLabels`, `images`, ... lists of field specs).
    init(decoding value: ManifestValue) throws(KustomizeError) {
        nameReferences = []
        commonLabels = []
        templateLabels = []
        commonAnnotations = []
        let f = try StrictDecoder(value, path: ["TransformerConfig"]).fields(known: [
            "namePrefix", "nameSuffix", "namespace", "commonLabels", "templateLabels", "commonAnnotations",
            "nameReference", "varReference", "images", "replicas",
        ])
        func specs(_ name: String) throws(KustomizeError) -> [FieldSpec] {
            var result: [FieldSpec] = []
            for item in try f[name]?.array() ?? [] { result.append(try FieldSpec(decoding: item)) }
            return result
        }
        commonLabels = try specs("commonLabels")
        templateLabels = try specs("templateLabels")
        commonAnnotations = try specs("commonAnnotations")
        images = try specs("images")
        namespace = try specs("namespace")
        replicas = try specs("replicas")
        varReferences = try specs("varReference")
        for item in try f["nameReference"]?.array() ?? [] {
            let rf = try item.fields(known: ["kind", "group", "version", "fieldSpecs"])
            var referrers: [FieldSpec] = []
            for spec in try rf["fieldSpecs"]?.array() ?? [] { referrers.append(try FieldSpec(decoding: spec)) }
            nameReferences.append(
                BuiltinFieldSpecs.NameReference(
                    kind: try rf["kind"]?.string() ?? "", group: try rf["group"]?.string() ?? "", referrers: referrers))
        }
    }

    init() {}
}
