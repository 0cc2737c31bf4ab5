import Testing

@testable import Manifests

/// `$(VAR)` expansion as kustomize's refvar does it, case by case (the fixture `vars` checks it against kubectl).
struct VarExpansionTests {
    static let values: [String: ManifestValue] = [
        "HOST": .string("db.prod"), "PORT": .integer("5432"), "ON": .bool(true), "RATIO": .float(0.5),
        "LIST": .array([.string("a")]),
    ]

    @Test(arguments: [
        ("$(HOST)", ManifestValue.string("db.prod")),
        ("$(PORT)", .integer("5432")),  // the whole string: the value's own type
        ("$(ON)", .bool(true)),
        ("port $(PORT)", .string("port 5432")),
        ("$(HOST):$(PORT)/$(RATIO)", .string("db.prod:5432/0.5")),
        ("$$(PORT)", .string("$(PORT)")),  // `$$` is a literal `$`
        ("$$$(PORT)", .string("$5432")),
        ("$(UNKNOWN)", .string("$(UNKNOWN)")),
        ("a $(UNKNOWN) b", .string("a $(UNKNOWN) b")),
        ("$(LIST)", .string("$(LIST)")),  // not a scalar: left as written
        ("cost $5", .string("cost $5")),
        ("$(open", .string("$(open")),
        ("trailing $", .string("trailing $")),
        ("ünïcødé $(HOST)", .string("ünïcødé db.prod")),
    ])
    func substitution(_ input: String, _ expected: ManifestValue) {
        var expansion = VarExpansion(values: Self.values)
        #expect(expansion.substitute(input) == expected)
    }

    @Test func usedCountsOnlyScalarsReplaced() throws {
        var expansion = VarExpansion(values: Self.values)
        var value = ManifestValue.array([.string("$(HOST)"), .string("$(LIST)"), .null])
        try expansion.expand(&value)
        #expect(value == .array([.string("db.prod"), .string("$(LIST)"), .null]))
        #expect(expansion.used == ["HOST": 1])
        var numbers = ManifestValue.array([.integer("1")])
        #expect(throws: KustomizeError.self) { try expansion.expand(&numbers) }
    }

    @Test(arguments: [
        (
            "metadata/annotations/nginx.ingress.kubernetes.io\\/auth-secret",
            ["metadata", "annotations", "nginx.ingress.kubernetes.io/auth-secret"]
        ),
        ("spec/template/spec/containers[]/image", ["spec", "template", "spec", "containers", "image"]),
        ("a\\b/c", ["a\\b", "c"]),
    ])
    func fieldSpecPathsKeepEscapedSlashes(_ path: String, _ segments: [String]) {
        #expect(FieldSpec(path).path == segments)
    }
}
