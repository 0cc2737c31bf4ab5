import Core
import Foundation
import Manifests
import SlipwayTesting
import Testing

/// Random mutations of the kustomize fixtures' files (a kustomization or a resource at a time), built: each ends in
/// output or in an error that names a file of the tree — never a crash, a hang or an error about nothing.
/// `SLIPWAY_FUZZ_COUNT` sets how many (1,000 here; `Benchmarks/fuzz` runs 10,000).
@Suite struct KustomizeFuzzTests {
    static let fragments = [
        ":", " ", "-", "\n", "  ", "{", "}", "[", "]", "'", "\"", "#", "&a", "*a", "<<: *a", "!!str ", "!!int ", "|", ">", "\t",
        "../", "/", "..", "resources:", "- ", "patches:", "name: ", "namespace: ", "kind: ", "apiVersion: v1", "images:",
        "replicas:", "$patch: delete", "op: ", "path: /", "value: ", "~", "null", "0x1F", "1e3", "\u{0}", "é", "\\", "%",
    ]

    static var count: Int { ProcessInfo.processInfo.environment["SLIPWAY_FUZZ_COUNT"].flatMap(Int.init) ?? 1_000 }

    /// Local fixture trees (remote ones need the network fixtures): their build target and YAML files.
    static func corpus() -> [(name: String, target: String, files: [String])] {
        let root = KustomizeConformanceTests.root
        return KustomizeConformanceTests.cases.filter { !$0.contains("remote") }.compactMap { name in
            let tree = "\(root)/\(name)/tree"
            let target =
                (try? String(contentsOfFile: "\(root)/\(name)/target", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
                ?? "."
            let files = (FileManager.default.enumerator(atPath: tree)?.allObjects as? [String] ?? [])
                .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") || $0 == "Kustomization" }.sorted()
            return files.isEmpty ? nil : (name, target, files)
        }
    }

    @Test(.timeLimit(.minutes(10))) func mutantsBuildOrFailNamingAFile() async throws {
        let corpus = Self.corpus()
        try #require(corpus.count > 30)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-kfuzz-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        var mutator = Mutator(seed: 0x4B55, fragments: Self.fragments)
        var built = 0
        var refused = 0
        for iteration in 0..<Self.count {
            let (name, target, files) = corpus[mutator.below(corpus.count)]
            let tree = "\(scratch)/\(iteration)"
            try FileManager.default.copyItem(atPath: "\(KustomizeConformanceTests.root)/\(name)/tree", toPath: tree)
            defer { try? FileManager.default.removeItem(atPath: tree) }
            let victim = "\(tree)/\(files[mutator.below(files.count)])"
            let mutant = mutator.mutate(try String(contentsOfFile: victim, encoding: .utf8))
            try mutant.write(toFile: victim, atomically: false, encoding: .utf8)
            do {
                _ = try await Deadline.within(.seconds(10), "building mutant \(iteration) of \(name)") {
                    try await Kustomizer().build(directory: "\(tree)/\(target)").yaml()
                }
                built += 1
            } catch let error as KustomizeError {
                refused += 1
                #expect(error.description.contains(tree), "iteration \(iteration) (\(name)): an error naming no file: \(error)")
            }
        }
        #expect(built > Self.count / 10 && refused > Self.count / 10, "built \(built), refused \(refused)")
    }
}
